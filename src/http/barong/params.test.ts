import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P, parseParams } from './params.js';
import { ValidationError } from '../../errors/app-error.js';

const Signup = P.obj({
  email: P.str({ 'x-nonblank': true }),
  password: P.str({ 'x-nonblank': true }),
  username: P.opt(P.str()),
});

function keysOf(fn: () => unknown): readonly string[] {
  try { fn(); } catch (e) { if (e instanceof ValidationError) return e.keys; throw e; }
  return [];
}

test('missing non-blank params give both missing and empty keys, in declaration order', () => {
  assert.deepEqual(keysOf(() => parseParams(Signup, {}, 'identity.user')), [
    'identity.user.missing_email', 'identity.user.empty_email', 'identity.user.missing_password', 'identity.user.empty_password',
  ]);
});

test('blank values give the empty key only; whitespace is blank; false is not', () => {
  assert.deepEqual(keysOf(() => parseParams(Signup, { email: '  ', password: 'x' }, 'identity.user')), ['identity.user.empty_email']);
  const B = P.obj({ flag: P.bool({ 'x-nonblank': true }) });
  assert.deepEqual(parseParams(B, { flag: false }, 'x.y'), { flag: false });
});

test('explicit keys replace the defaults; the explicit missing key does not change the empty key', () => {
  const S = P.obj({ reset_password_token: P.str({ 'x-nonblank': true, 'x-missing': 'identity.user.missing_pass_token' }) });
  assert.deepEqual(keysOf(() => parseParams(S, {}, 'identity.user')), ['identity.user.missing_pass_token', 'identity.user.empty_reset_password_token']);
});

test('coercion: integers, booleans and strings as Grape does', () => {
  const S = P.obj({ n: P.opt(P.int({ 'x-invalid': 'non_integer_n' })), b: P.opt(P.bool()), s: P.opt(P.str()) });
  assert.deepEqual(parseParams(S, { n: '42', b: 'yes', s: 7 }, 'a.b'), { n: 42, b: true, s: '7' });
  assert.deepEqual(keysOf(() => parseParams(S, { n: '4.2', b: 'maybe', s: { x: 1 } }, 'a.b')), ['non_integer_n', 'invalid', 'invalid']);
});

test('optional params may be absent; undeclared params are dropped', () => {
  assert.deepEqual(parseParams(Signup, { email: 'a@b.c', password: 'p', other: 1 }, 'identity.user'), { email: 'a@b.c', password: 'p' });
});

test('JSON null: required strings become empty, optional params are absent, non-blank params are empty', () => {
  const S = P.obj({ email: P.str(), username: P.opt(P.str()), n: P.opt(P.int()), token: P.opt(P.str({ 'x-nonblank': true })) });
  assert.deepEqual(parseParams(S, { email: null, username: null, n: null }, 'a.b'), { email: '' });
  assert.deepEqual(keysOf(() => parseParams(S, { email: 'x', token: null }, 'a.b')), ['a.b.empty_token']);
});

test('value checks (minimum/maximum, enum) run per parameter after coercion, all keys in declaration order', () => {
  const S = P.obj({
    ordering: P.opt(P.str({ enum: ['asc', 'desc'], 'x-any-case': true, 'x-value': 'bad_ordering' })),
    order_by: P.opt(P.str({ enum: ['id', 'kid'] })),
    page: P.opt(P.int({ 'x-invalid': 'non_integer_page', minimum: 1, 'x-value': 'non_positive_page' })),
    limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit', minimum: 1, maximum: 100, 'x-value': 'invalid_limit' })),
  });
  assert.deepEqual(keysOf(() => parseParams(S, { page: 'x', limit: '0' }, 'a.b')), ['non_integer_page', 'invalid_limit']);
  assert.deepEqual(keysOf(() => parseParams(S, { limit: '101', page: '0', order_by: 'ID', ordering: 'up' }, 'a.b')), ['bad_ordering', 'value', 'non_positive_page', 'invalid_limit']);
  assert.deepEqual(parseParams(S, { ordering: 'DESC', order_by: 'kid', page: '1', limit: '100' }, 'a.b'), { ordering: 'DESC', order_by: 'kid', page: 1, limit: 100 });
});
