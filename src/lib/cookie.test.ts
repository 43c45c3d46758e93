import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookie as parse } from 'cookie'; // what @fastify/cookie parses with
import { readCookie } from './cookie.js';

test('reads one cookie like the cookie parser Fastify uses', () => {
  const cases = [
    '_barong_session=abc', 'a=1; _barong_session=abc; b=2', ' _barong_session = abc ;x=y', '_barong_session="abc"',
    '_barong_session=a%20b', '_barong_session=%E0%A4%A', 'x_barong_session=no; _barong_session=yes', '_barong_session=first; _barong_session=second',
    'novalue; _barong_session=v', '_barong_session=', '', 'a=1',
  ];
  for (const header of cases) assert.equal(readCookie(header, '_barong_session'), parse(header)._barong_session, header);
  assert.equal(readCookie(undefined, 'x'), undefined);
});
