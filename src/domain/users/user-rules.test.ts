import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataErrors, emailErrors, usernameErrors } from './user-rules.js';

test('email format follows Barong', () => {
  for (const ok of ['a@b.co', 'john.doe+x@example.com', "o'neil@mail.example.org", ' spaced@example.com ']) assert.deepEqual(emailErrors(ok), [], ok);
  for (const bad of ['plain', 'a@b', 'a..b@example.com', '.a@example.com', 'a@-b.com', 'a@b.c0m', 'a b@example.com']) assert.deepEqual(emailErrors(bad), ['email.invalid'], bad);
  assert.deepEqual(emailErrors('  '), ['email.blank']);
});

test('username rules', () => {
  assert.deepEqual(usernameErrors(''), ['username.too_short', 'username.invalid']);
  assert.deepEqual(usernameErrors('abc'), ['username.too_short']);
  assert.deepEqual(usernameErrors('abcdefghijklm'), ['username.too_long']);
  assert.deepEqual(usernameErrors('ab_cd'), ['username.invalid']);
  assert.deepEqual(usernameErrors('alice42'), []);
});

test('data must be JSON up to 1024 chars', () => {
  assert.deepEqual(dataErrors('{"language":"ru"}'), []);
  assert.deepEqual(dataErrors('{nope'), ['data.invalid_format']);
  assert.deepEqual(dataErrors(JSON.stringify({ x: 'y'.repeat(1100) })), ['data.too_long']);
});
