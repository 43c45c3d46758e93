import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { generateSigningKeyPem, keyIdOf } from '../../infra/keys/keystore.js';
import { privateKeyFromPem, publicKeyOf, type JwsAlgorithm } from '../../lib/jws.js';
import { EventSigner, EventVerificationError, eventRoute, verifyEventMessage } from './event-signer.js';

function keyPair(alg: JwsAlgorithm) {
  const signingKey = privateKeyFromPem(generateSigningKeyPem(alg));
  const publicKey = publicKeyOf(signingKey);
  return { algorithm: alg, signingKey, publicKey, kid: keyIdOf(publicKey) };
}

const b64json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const outboxPayload = { record: { uid: 'ID1', email: 'a@example.com' }, name: 'model.user.updated', changes: { level: 0 } };

test('routes: exchange <prefix>.<first segment>, routing key = the rest', () => {
  assert.deepEqual(eventRoute('system.user.password.reset.token', 'barong.events'), { exchange: 'barong.events.system', routingKey: 'user.password.reset.token' });
  assert.deepEqual(eventRoute('model.user.created', 'barong.events'), { exchange: 'barong.events.model', routingKey: 'user.created' });
  assert.deepEqual(eventRoute('odd', 'p'), { exchange: 'p.odd', routingKey: '' });
});

test("Barong's envelope: general JSON JWS, protected {alg}, header {kid: \"barong\"}, claims {iss, jti, iat, exp, event}", () => {
  const k = keyPair('RS256');
  const body = new EventSigner(k, { issuer: 'barong', lifetimeSeconds: 3600, now: () => NOW }).sign(outboxPayload, '0f3c7a52-8a56-4b5e-9a73-3f0c1a2b4c5d');
  const env = JSON.parse(body);
  assert.deepEqual(Object.keys(env), ['payload', 'signatures']);
  assert.equal(env.signatures.length, 1);
  assert.deepEqual(Object.keys(env.signatures[0]), ['protected', 'header', 'signature']);
  assert.deepEqual(b64json(env.signatures[0].protected), { alg: 'RS256' });
  assert.deepEqual(env.signatures[0].header, { kid: 'barong' }, 'Barong consumers look the key up by this name');
  const claims = b64json(env.payload);
  assert.deepEqual(Object.keys(claims), ['iss', 'jti', 'iat', 'exp', 'event']);
  assert.deepEqual(claims, {
    iss: 'barong', jti: '0f3c7a52-8a56-4b5e-9a73-3f0c1a2b4c5d', iat: NOW / 1000, exp: NOW / 1000 + 3600,
    event: { record: { uid: 'ID1', email: 'a@example.com' }, changes: { level: 0 }, name: 'model.user.updated' },
  });
  // RFC 7515 §5.2 by hand, with the public key as the JWKS publishes it.
  const jwk = k.publicKey.export({ format: 'jwk' });
  const ok = cryptoVerify('sha256', Buffer.from(`${env.signatures[0].protected}.${env.payload}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(env.signatures[0].signature, 'base64url'));
  assert.equal(ok, true);
});

test('the kid is the configured issuer (EVENT_ISSUER), never the JWKS kid', () => {
  const k = keyPair('ES256');
  const env = JSON.parse(new EventSigner(k, { issuer: 'warden', lifetimeSeconds: 60, now: () => NOW }).sign(outboxPayload, 'j1'));
  assert.deepEqual(env.signatures[0].header, { kid: 'warden' });
});

test('verifyEventMessage: every algorithm round-trips; tampering, another signer, a foreign key and expiry are refused', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const k = keyPair(alg);
    const signer = new EventSigner(k, { issuer: 'warden', lifetimeSeconds: 60, now: () => NOW });
    const body = signer.sign(outboxPayload, 'j1');
    const claims = verifyEventMessage(body, { kid: 'warden', keys: [k] }, NOW + 1000);
    assert.equal(claims.event.name, 'model.user.updated');
    assert.equal(claims.iss, 'warden');
    // While the JWT key rotates the consumer holds several keys; any of them may have signed.
    assert.equal(verifyEventMessage(body, { kid: 'warden', keys: [keyPair(alg), keyPair('RS256'), k] }, NOW).jti, 'j1');

    const env = JSON.parse(body);
    const forged = { ...env, payload: Buffer.from(JSON.stringify({ ...b64json(env.payload), jti: 'other' })).toString('base64url') };
    assert.throws(() => verifyEventMessage(JSON.stringify(forged), { kid: 'warden', keys: [k] }, NOW), /bad signature/);
    assert.throws(() => verifyEventMessage(body, { kid: 'barong', keys: [k] }, NOW), /unknown kid warden/);
    assert.throws(() => verifyEventMessage(body, { kid: 'warden', keys: [keyPair(alg)] }, NOW), /bad signature/);
    assert.throws(() => verifyEventMessage(body, { kid: 'warden', keys: [k] }, NOW + 61_000), /expired/);
  }
  assert.throws(() => verifyEventMessage('not json', { kid: 'barong', keys: [] }), EventVerificationError);
  assert.throws(() => verifyEventMessage('{"payload":"x","signatures":[]}', { kid: 'barong', keys: [] }), /one signature/);
});
