import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRackQuery } from './rack-params.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

test('plain keys are as querystring parses them; a repeated one is an array', () => {
  assert.deepEqual(plain(parseRackQuery('a=1&b=x+y&b=z')), { a: '1', b: ['x y', 'z'] });
});

test('name[] is an array in order; name[k] a hash; name[k] repeated keeps the last', () => {
  assert.deepEqual(plain(parseRackQuery('topic[]=a&topic[]=b&x=1')), { topic: ['a', 'b'], x: '1' });
  assert.deepEqual(plain(parseRackQuery('data[city]=Kyiv&data[zip]=1&data[zip]=2')), { data: { city: 'Kyiv', zip: '2' } });
  assert.deepEqual(plain(parseRackQuery('a[b][c]=1&a[b][d]=2')), { a: { b: { c: '1', d: '2' } } });
  assert.deepEqual(plain(parseRackQuery('topic%5B%5D=a')), { topic: ['a'] });
});

test('name[][k] fills the last hash until a key repeats', () => {
  assert.deepEqual(plain(parseRackQuery('l[][k]=1&l[][v]=a&l[][k]=2')), { l: [{ k: '1', v: 'a' }, { k: '2' }] });
});

test('clashes drop the later value; malformed brackets stay plain keys', () => {
  assert.deepEqual(plain(parseRackQuery('a=1&a[]=2')), { a: '1' });
  assert.deepEqual(plain(parseRackQuery('a[]=1&a[k]=2')), { a: ['1'] });
  assert.deepEqual(plain(parseRackQuery('a[=1&[]=2&b]=3')), { 'a[': '1', '[]': '2', 'b]': '3' });
});

test('prototype keys never become properties', () => {
  const out = parseRackQuery('__proto__[x]=1&a[__proto__][y]=2&constructor[prototype][z]=3&b[]=ok');
  assert.deepEqual(plain(out), { b: ['ok'] });
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(({} as Record<string, unknown>).y, undefined);
});
