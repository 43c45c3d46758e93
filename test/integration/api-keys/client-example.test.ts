import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, UA } from '../../helpers/client.js';
import { apiKeysRepo } from '../../../src/db/repositories/api-keys.js';
import { twoFactorUser } from './two-factor.js';
// @ts-expect-error: a plain .mjs example for API users, without type declarations
import { signedFetch, signedHeaders } from '../../../examples/api-key-client.mjs';

let t: TestApp;
let origin: string;
before(async () => {
  t = await startTestApp();
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => { await t.close(); });

test('examples/api-key-client.mjs signs real HTTP requests the gateway accepts, with a fresh nonce each time', async () => {
  const u = await twoFactorUser(t);
  const key = await t.c.apiKeys.create({ type: 'User', id: u.id, state: 'active' }, { algorithm: 'HS512' });
  const url = `${origin}${t.c.config.AUTHZ_PREFIX}/api/v2/peatio/account/balances`;
  for (let i = 0; i < 3; i++) {
    const res = await signedFetch(url, { kid: key.kid, secret: key.secret, algorithm: 'HS512', headers: { 'user-agent': UA } });
    assert.equal(res.status, 200, await res.text());
    assert.match(res.headers.get('authorization') ?? '', /^Bearer /);
  }
  const wrong = await signedFetch(url, { kid: key.kid, secret: '0'.repeat(32), algorithm: 'HS512' });
  assert.deepEqual([wrong.status, await wrong.json()], [401, { errors: ['authz.invalid_signature'] }]);
});

test('Barong\'s documented vector verifies at the gateway check (kid 61d025b8573501c2)', async () => {
  const kid = '61d025b8573501c2';
  const secret = '2d0b4979c7fe6986daa8e21d1dc0644f';
  const nonce = '1584524005143';
  const headers = signedHeaders(kid, secret, { nonce });
  assert.equal(headers['X-Auth-Signature'], 'bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13');

  const client = await activeUser(t);
  const uid = (await client.get('/resource/users/me')).body.uid as string;
  const [{ id }] = await t.c.db.query<{ id: number }>('UPDATE users SET otp = true WHERE uid = $1 RETURNING id', [uid]);
  t.c.users.invalidate(uid);
  await apiKeysRepo.insert(t.c.db, { holderType: 'User', holderId: Number(id), kid, algorithm: 'HS256', scope: [], secretEncrypted: t.c.encryptor.encrypt(secret) });
  t.c.apiKeys.invalidate(kid);
  // the server's clock one second after the nonce was made, in March 2020
  t.clock.advance((Number(nonce) + 1000 - t.clock.now()) / 1000);
  const res = await t.app.inject({ method: 'GET', url: `${t.c.config.AUTHZ_PREFIX}/api/v2/peatio/account/balances`, headers: { 'user-agent': UA, ...headers } });
  assert.equal(res.statusCode, 200, res.body);
});
