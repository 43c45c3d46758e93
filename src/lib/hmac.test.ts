import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiKeySignature, verifyApiKeySignature } from './hmac.js';

// BARONG.md §11.5 (barong: docs/general/api-keys.md).
const kid = '61d025b8573501c2';
const secret = '2d0b4979c7fe6986daa8e21d1dc0644f';
const nonce = '1584524005143';
const expected = 'bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13';

test('HS256 signature matches the Barong test vector', () => {
  assert.equal(apiKeySignature(secret, nonce, kid, 'HS256'), expected);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', expected), true);
});

test('HS384 and HS512 use the matching SHA digest, lower-case hex', () => {
  assert.match(apiKeySignature(secret, nonce, kid, 'HS384'), /^[0-9a-f]{96}$/);
  assert.match(apiKeySignature(secret, nonce, kid, 'HS512'), /^[0-9a-f]{128}$/);
  assert.notEqual(apiKeySignature(secret, nonce, kid, 'HS512').slice(0, 64), expected);
});

test('wrong, truncated, extended, upper-cased or foreign signatures are refused', () => {
  const flipped = (expected[0] === 'a' ? 'b' : 'a') + expected.slice(1);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', flipped), false);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', expected.slice(0, -1)), false);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', expected + '0'), false);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', ''), false);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS256', expected.toUpperCase()), false);
  assert.equal(verifyApiKeySignature(secret, '1584524005144', kid, 'HS256', expected), false);
  assert.equal(verifyApiKeySignature(secret, nonce, kid, 'HS512', expected), false);
  assert.equal(verifyApiKeySignature('', nonce, kid, 'HS256', apiKeySignature('', nonce, kid, 'HS256')), false);
});
