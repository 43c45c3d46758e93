import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Encryptor } from '../../lib/aead.js';
import { Pii, normalizeForIndex, piiFor } from './pii.js';

const key = randomBytes(32);
const pii = new Pii(key);

test('fields round-trip, empty stays null, ciphertext is the shared Encryptor format', () => {
  const sealed = pii.encryptField('Berezniy')!;
  assert.notEqual(sealed, pii.encryptField('Berezniy'));
  assert.equal(pii.decryptField(sealed), 'Berezniy');
  assert.equal(new Encryptor(key).decrypt(sealed), 'Berezniy');
  assert.equal(pii.encryptField(''), null);
  assert.equal(pii.decryptField(null), null);
  assert.equal(new Pii(randomBytes(32)).decryptField(sealed), null, 'another key opens nothing');
});

test('blind index: deterministic per key, normalised, not the plaintext', () => {
  assert.equal(pii.blindIndex('  Élise   DUPONT '), pii.blindIndex('élise dupont'));
  assert.match(pii.blindIndex('x')!, /^[0-9a-f]{64}$/);
  assert.notEqual(new Pii(randomBytes(32)).blindIndex('élise dupont'), pii.blindIndex('élise dupont'));
  assert.equal(pii.blindIndex('   '), null);
  assert.equal(normalizeForIndex('ＡＢＣ'), 'abc');
});

test('digest: per purpose, exact value', () => {
  assert.equal(pii.digest('code', '12345'), pii.digest('code', '12345'));
  assert.notEqual(pii.digest('code', '12345'), pii.digest('other', '12345'));
  assert.notEqual(pii.digest('code', '12345'), pii.blindIndex('12345'));
  assert.equal(piiFor(key), piiFor(Buffer.from(key)));
});
