import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { ApiKeySigner, apiKeySignature, PrecomputedHmac, verifyApiKeySignature } from './hmac.js';

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

test('PrecomputedHmac gives createHmac\'s bytes for every digest, short, block-sized and long keys', () => {
  for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
    for (const keyLength of [0, 1, 16, 32, 63, 64, 65, 127, 128, 129, 300]) {
      const key = randomBytes(keyLength);
      const hmac = new PrecomputedHmac(digest, key);
      for (const message of ['', 'a', nonce + kid, 'ü€𝄞 non-ASCII', 'x'.repeat(1000)]) {
        assert.equal(hmac.hex(message), createHmac(digest, key).update(message).digest('hex'), `${digest} key ${keyLength} message ${message.length}`);
      }
    }
  }
});

test('ApiKeySigner: the Barong vector, reusable across calls; no signer for an empty secret or unknown algorithm', () => {
  const signer = ApiKeySigner.for(secret, 'HS256')!;
  assert.equal(signer.sign(nonce, kid), expected);
  assert.equal(signer.verify(nonce, kid, expected), true);
  assert.equal(signer.verify('1584524005144', kid, expected), false);
  assert.equal(signer.verify(nonce, kid, expected), true, 'state does not leak between calls');
  assert.equal(signer.verify(nonce, kid, 'é'.repeat(64)), false, 'non-ASCII of the same length');
  assert.equal(ApiKeySigner.for('', 'HS256'), null);
  assert.equal(ApiKeySigner.for(secret, 'HS1024'), null);
});
