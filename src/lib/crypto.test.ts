import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Encryptor, parseEncryptionKey } from './aead.js';
import { JwsError, signCompact, verifyCompact, type JwsAlgorithm } from './jws.js';

test('AEAD round-trips, detects tampering and foreign keys', () => {
  const e = new Encryptor(randomBytes(32));
  const sealed = e.encrypt('JBSWY3DPEHPK3PXP');
  assert.notEqual(sealed, e.encrypt('JBSWY3DPEHPK3PXP'));
  assert.equal(e.decrypt(sealed), 'JBSWY3DPEHPK3PXP');
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => e.decrypt(tampered));
  assert.throws(() => new Encryptor(randomBytes(32)).decrypt(sealed));
  assert.equal(parseEncryptionKey('00'.repeat(32)).length, 32);
  assert.throws(() => parseEncryptionKey('abcd'));
});

const keyFor = (alg: JwsAlgorithm) =>
  alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
  : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
  : generateKeyPairSync('ed25519');

for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
  test(`JWS ${alg} signs and verifies; tampering is refused with Barong's words`, () => {
    const { privateKey, publicKey } = keyFor(alg);
    const token = signCompact({ sub: 'session', uid: 'ID1' }, privateKey, alg, 'k1');
    const { header, claims } = verifyCompact(token, publicKey, alg);
    assert.equal(header.kid, 'k1');
    assert.equal(claims.uid, 'ID1');
    const word = (t: string) => { try { verifyCompact(t, publicKey, alg); return 'ok'; } catch (e) { return (e as JwsError).word; } };
    assert.equal(word('garbage'), 'segments');
    assert.equal(word('a.b'), 'segments');
    assert.equal(word('a+.b.c'), 'encoding');
    const [h, p, s] = token.split('.');
    assert.equal(word(`${h}.${Buffer.from('{"uid":"ID2"}').toString('base64url')}.${s}`), 'raised');
    assert.equal(word(`${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${p}.${s}`), 'algorithm');
  });
}

test('HS256 compact tokens verify only under their secret, and never as another algorithm', async () => {
  const { signHs256 } = await import('./jws.js');
  const secret = randomBytes(32);
  const token = signHs256({ sub: 'freeze', uid: 'ID1' }, secret);
  assert.deepEqual(verifyCompact(token, secret, 'HS256').claims, { sub: 'freeze', uid: 'ID1' });
  assert.throws(() => verifyCompact(token, randomBytes(32), 'HS256'), (e: unknown) => e instanceof JwsError && e.word === 'raised');
  assert.throws(() => verifyCompact(`${token}A`, secret, 'HS256'), (e: unknown) => e instanceof JwsError && e.word === 'raised');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  assert.throws(() => verifyCompact(token, publicKey, 'EdDSA'), (e: unknown) => e instanceof JwsError && e.word === 'algorithm');
  const signed = signCompact({ sub: 'freeze' }, privateKey, 'EdDSA');
  assert.throws(() => verifyCompact(signed, secret, 'HS256'), (e: unknown) => e instanceof JwsError && e.word === 'algorithm');
});
