import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { generateSigningKeyPem, keyIdOf, loadKeys } from '../../../src/infra/keys/keystore.js';
import { signCompact, verifyCompact } from '../../../src/lib/jws.js';
import { JwtIssuer } from '../../../src/domain/authz/jwt-issuer.js';

interface Jwk { kty: string; kid: string; alg: string; use: string; crv?: string; [k: string]: unknown }

async function jwks(t: TestApp): Promise<{ status: number; cacheControl: unknown; keys: Jwk[] }> {
  const r = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return { status: r.statusCode, cacheControl: r.headers['cache-control'], keys: r.json().keys };
}

const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

describe('GET /.well-known/jwks.json', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(async () => { await t.close(); });

  test('publishes the current RS256 key, public parts only, cacheable', async () => {
    const doc = await jwks(t);
    assert.equal(doc.status, 200);
    assert.equal(doc.cacheControl, 'public, max-age=300');
    assert.equal(doc.keys.length, 1);
    const [jwk] = doc.keys;
    assert.equal(jwk.kid, t.c.keys.kid);
    assert.equal(jwk.alg, 'RS256');
    assert.equal(jwk.use, 'sig');
    assert.equal(jwk.kty, 'RSA');
    for (const part of PRIVATE_PARTS) assert.equal(part in jwk, false, `no ${part}`);
  });

  test('the published key verifies a token the issuer signs', async () => {
    const [jwk] = (await jwks(t)).keys;
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const token = new JwtIssuer(t.c.keys, 3600).issue({ uid: 'ID0000000001', email: 'a@example.com', role: 'member', level: 1, state: 'active' });
    const { header, claims } = verifyCompact(token, publicKey, 'RS256');
    assert.equal(header.kid, jwk.kid);
    assert.equal(claims.uid, 'ID0000000001');
  });
});

describe('key rotation: JWT_PREVIOUS_PUBLIC_KEYS', () => {
  const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oldKid = keyIdOf(old.publicKey);
  let t: TestApp;
  let uid: string;
  before(async () => {
    t = await startTestApp({ JWT_PREVIOUS_PUBLIC_KEYS: old.publicKey.export({ format: 'pem', type: 'spki' }).toString() });
    const r = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, payload: { email: uniqueEmail('rot'), password: STRONG_PASSWORD } });
    assert.equal(r.statusCode, 201, r.body);
    uid = r.json().uid;
  });
  after(async () => { await t.close(); });

  const claims = () => {
    const iat = Math.floor(t.clock.now() / 1000);
    return { uid, email: 'x@example.com', role: 'member', level: 0, state: 'pending', iat, exp: iat + 600, sub: 'session', iss: 'barong', aud: ['peatio', 'barong'], jti: randomBytes(10).toString('hex') };
  };
  const me = (token: string) => t.app.inject({ method: 'GET', url: `${t.prefix}/resource/users/me`, headers: { authorization: `Bearer ${token}` } });

  test('publishes the current key first, then the previous one', async () => {
    const doc = await jwks(t);
    assert.deepEqual(doc.keys.map((k) => [k.kid, k.alg, k.kty, k.use]), [[t.c.keys.kid, 'RS256', 'RSA', 'sig'], [oldKid, 'RS256', 'RSA', 'sig']]);
    for (const k of doc.keys) for (const part of PRIVATE_PARTS) assert.equal(part in k, false);
    assert.equal(keyIdOf(createPublicKey({ key: doc.keys[1], format: 'jwk' })), oldKid);
  });

  test('a Bearer token signed with the previous key is accepted, with or without kid', async () => {
    for (const kid of [oldKid, undefined]) {
      const r = await me(signCompact(claims(), old.privateKey, 'RS256', kid));
      assert.equal(r.statusCode, 200, `kid ${kid}: ${r.body}`);
      assert.equal(r.json().uid, uid);
    }
  });

  test('a confirmation link mailed before the rotation (signed with the previous key) still confirms', async () => {
    const email = uniqueEmail('rotconf');
    const r = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, payload: { email, password: STRONG_PASSWORD } });
    assert.equal(r.statusCode, 201);
    const token = signCompact({ ...claims(), email, uid: r.json().uid, sub: 'confirmation' }, old.privateKey, 'RS256', oldKid);
    const confirmed = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users/email/confirm_code`, payload: { token } });
    assert.equal(confirmed.statusCode, 201, confirmed.body);
    assert.equal(confirmed.json().state, 'active');
    const forged = signCompact({ ...claims(), email, sub: 'confirmation' }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256', oldKid);
    const refused = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users/email/confirm_code`, payload: { token: forged } });
    assert.deepEqual([refused.statusCode, refused.json()], [422, { errors: ['jwt.decode_and_verify.raised'] }]);
  });

  test('a token from the current key is accepted too', async () => {
    assert.equal((await me(signCompact(claims(), t.c.keys.signingKey, 'RS256', t.c.keys.kid))).statusCode, 200);
    assert.equal((await me(new JwtIssuer(t.c.keys, 600, t.clock.now).issue({ uid, email: 'x@example.com', role: 'member', level: 0, state: 'pending' }))).statusCode, 200);
  });

  test('a token signed by an unknown key → 401 jwt.decode_and_verify, whatever kid it claims', async () => {
    const stranger: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const kid of [undefined, 'ffffffffffffffff', oldKid, t.c.keys.kid]) {
      const r = await me(signCompact(claims(), stranger, 'RS256', kid));
      assert.equal(r.statusCode, 401, `kid ${kid}`);
      assert.deepEqual(r.json(), { errors: ['jwt.decode_and_verify'] });
    }
  });
});

describe('other algorithms', () => {
  for (const [alg, kty, crv] of [['ES256', 'EC', 'P-256'], ['EdDSA', 'OKP', 'Ed25519']] as const) {
    test(`JWT_ALGORITHM=${alg} publishes kty ${kty} (crv ${crv})`, async () => {
      const t = await startTestApp({ JWT_ALGORITHM: alg });
      try {
        const doc = await jwks(t);
        assert.equal(doc.status, 200);
        assert.equal(doc.keys.length, 1);
        const [jwk] = doc.keys;
        assert.deepEqual([jwk.kty, jwk.crv, jwk.alg, jwk.use, jwk.kid], [kty, crv, alg, 'sig', t.c.keys.kid]);
        assert.equal('d' in jwk, false);
        const token = new JwtIssuer(t.c.keys, 3600).issue({ uid: 'ID0000000001', role: 'member' });
        assert.equal(verifyCompact(token, createPublicKey({ key: jwk, format: 'jwk' }), alg).claims.uid, 'ID0000000001');
      } finally {
        await t.close();
      }
    });
  }
});

describe('loadKeys: parsing JWT_PREVIOUS_PUBLIC_KEYS', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-jwks-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const pem = (k: KeyObject) => k.export({ format: 'pem', type: 'spki' }).toString();
  const load = (previousPublicKeys?: string) => loadKeys({ algorithm: 'RS256', dataDir, previousPublicKeys });

  test('unset or blank: only the current key', () => {
    for (const v of [undefined, '', '  \n']) {
      const keys = load(v);
      assert.deepEqual(keys.verificationKeys.map((k) => [k.kid, k.algorithm]), [[keys.kid, 'RS256']]);
      assert.equal(keys.verificationKeys[0].publicKey, keys.publicKey);
    }
  });

  test('the algorithm follows the key type; \\n escapes work; a repeated or current key is listed once', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const current = load().publicKey;
    const text = [pem(rsa), pem(ec).replace(/\n/g, '\\n'), pem(ed), pem(rsa), pem(current)].join('\n');
    const keys = load(text);
    assert.deepEqual(keys.verificationKeys.map((k) => [k.kid, k.algorithm]),
      [[keys.kid, 'RS256'], [keyIdOf(rsa), 'RS256'], [keyIdOf(ec), 'ES256'], [keyIdOf(ed), 'EdDSA']]);
  });

  test('anything else is refused with a clear error', () => {
    const good = pem(generateKeyPairSync('ed25519').publicKey);
    const cases: Array<[string, RegExp]> = [
      [generateSigningKeyPem('RS256'), /block 1 \(PRIVATE KEY\) is a private key/],
      [`${good}\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----`, /block 2 \(PUBLIC KEY\) is not a valid PEM public key/],
      [good.slice(0, -30), /not a complete PEM block/],
      [`${good}\ngarbage`, /not a complete PEM block near "garbage"/],
      ['just text', /not a complete PEM block/],
      [pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey), /block 1 \(PUBLIC KEY\) is an unsupported ec secp384r1 key: only RSA, EC P-256 and Ed25519/],
    ];
    for (const [text, error] of cases) assert.throws(() => load(text), error, text.slice(0, 40));
  });
});
