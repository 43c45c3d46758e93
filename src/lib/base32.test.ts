import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';

// RFC 4648 §10 test vectors.
const VECTORS: [string, string][] = [
  ['', ''], ['f', 'MY======'], ['fo', 'MZXQ===='], ['foo', 'MZXW6==='], ['foob', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI======'],
];

test('RFC 4648 vectors encode and decode', () => {
  for (const [plain, encoded] of VECTORS) {
    assert.equal(base32Encode(Buffer.from(plain)), encoded, plain);
    assert.equal(base32Decode(encoded).toString(), plain, encoded);
  }
});

test('without padding, and decoding is case-insensitive and accepts unpadded input', () => {
  assert.equal(base32Encode(Buffer.from('foobar'), { padding: false }), 'MZXW6YTBOI');
  assert.equal(base32Decode('mzxw6ytboi').toString(), 'foobar');
  assert.equal(base32Decode('MZXW6YQ').toString(), 'foob');
});

test('a 20-byte TOTP secret is 32 characters, no padding needed', () => {
  const s = base32Encode(Buffer.from('12345678901234567890'));
  assert.equal(s, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
});

test('round trip of random data of every length up to 64 bytes', () => {
  for (let n = 0; n <= 64; n++) {
    const data = randomBytes(n);
    assert.deepEqual(base32Decode(base32Encode(data)), data);
    assert.deepEqual(base32Decode(base32Encode(data, { padding: false })), data);
  }
});

test('invalid input is refused', () => {
  for (const bad of ['MZXW1===', 'MZ=XW6==', 'M', 'MZX', 'MZXW6Y', 'MY=====', 'MZ!W6===']) {
    assert.throws(() => base32Decode(bad), /base32/, bad);
  }
});
