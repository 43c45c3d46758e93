import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyJoseSignature } from '../../../src/lib/jws.js';
import { activeUser, uniqueEmail } from '../../helpers/client.js';
import { enableOtp } from '../../helpers/otp.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { makeUser } from '../admin/users-fixtures.js';
import { Mgmt, answer, claims, envelope, keychainFile } from './signers.js';

let t: TestApp;
let m: Mgmt;
before(async () => {
  t = await startTestApp({ MANAGEMENT_API_FILE: keychainFile(), MANAGEMENT_API_KEYS_USER: 'true', MANAGEMENT_API_KEYS_SA: 'true' });
  m = new Mgmt(t);
});
after(async () => { await t.close(); });

const err = (status: number, error: unknown) => [status, { error }];

describe('management api_keys', () => {
  test('create for a user and a service account; holder errors; model errors as {"errors": [...]}', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/api_keys', {})), err(422, 'algorithm is missing, algorithm is empty, uid is missing, uid is empty'));
    assert.deepEqual(answer(await m.post('/api_keys', { uid: 'XX123', algorithm: 'HS256' })), err(422, 'uid_prefix_doesnt_exist'));
    assert.deepEqual(answer(await m.post('/api_keys', { uid: 'IDNOSUCH00', algorithm: 'HS256' })), err(422, 'user_doesnt_exist'));
    assert.deepEqual(answer(await m.post('/api_keys', { uid: 'SINOSUCH00', algorithm: 'HS256' })), err(422, 'service_account_doesnt_exist'));
    assert.deepEqual(answer(await m.post('/api_keys', { uid: u.uid, algorithm: 'RS256' })), [422, { errors: ['kid.blank', 'algorithm.inclusion'] }]);
    let r = await m.post('/api_keys', { uid: u.uid, algorithm: 'HS256', scopes: 'trade, read' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.algorithm, r.body.scope, r.body.state], ['HS256', ['trade', 'read'], 'active']);
    assert.match(r.body.secret, /^[0-9a-f]{32}$/);
    const kid = r.body.kid;

    const sa = (await m.post('/service_accounts/create', { service_account_role: 'service_account', owner_uid: u.uid })).body;
    r = await m.post('/api_keys', { uid: sa.uid, algorithm: 'HS512' });
    assert.deepEqual([r.status, r.body.scope], [201, []]);

    assert.deepEqual(answer(await m.post('/api_keys/update', { uid: u.uid, kid: 'nope' })), err(422, 'api_key_doesnt_exist'));
    assert.deepEqual(answer(await m.post('/api_keys/update', { uid: sa.uid, kid })), err(422, 'api_key_doesnt_exist'));
    r = await m.post('/api_keys/update', { uid: u.uid, kid, state: 'inactive' });
    assert.deepEqual([r.status, r.body.state, r.body.scope, 'secret' in r.body], [201, 'inactive', ['trade', 'read'], false]);
    r = await m.post('/api_keys/update', { uid: u.uid, kid, scopes: 'read' });
    assert.deepEqual([r.body.state, r.body.scope], ['inactive', ['read']]);
    assert.deepEqual(answer(await m.post('/api_keys/update', { uid: u.uid, kid, state: 'weird' })), [422, { errors: ['state.inclusion'] }]);
  });

  test('disabled by default (MANAGEMENT_API_KEYS_USER / _SA)', async () => {
    const off = await startTestApp({ MANAGEMENT_API_FILE: keychainFile() });
    try {
      const u = await makeUser(off);
      assert.deepEqual(answer(await new Mgmt(off).post('/api_keys', { uid: u.uid, algorithm: 'HS256' })), err(422, 'disabled_management_endpoint'));
      assert.deepEqual(answer(await new Mgmt(off).post('/api_keys', { uid: 'SI0000000000', algorithm: 'HS256' })), err(422, 'disabled_management_endpoint'));
    } finally { await off.close(); }
  });
});

describe('management otp/sign', () => {
  test('co-signs after a valid TOTP code; documented errors', async () => {
    const email = uniqueEmail('otp');
    const client = await activeUser(t, email);
    const [{ uid }] = await t.c.db.query<{ uid: string }>('SELECT uid FROM users WHERE email = $1', [email]);
    const plain = await makeUser(t);
    const inner = envelope(claims({ action: 'withdraw' }), ['peatio']);
    const stale = { protected: 'e30', header: { kid: 'barong' }, signature: 'AAAA' };
    const jwt = { ...inner, signatures: [...inner.signatures, stale] };

    assert.deepEqual(answer(await m.post('/otp/sign', {})), err(422, 'user_uid is missing, user_uid is empty, otp_code is missing, otp_code is empty, jwt is missing'));
    assert.deepEqual(answer(await m.post('/otp/sign', { user_uid: uid, otp_code: '123456', jwt: 'x' })), err(422, 'jwt is invalid'));
    assert.deepEqual(answer(await m.post('/otp/sign', { user_uid: 'IDNOSUCH00', otp_code: '123456', jwt })), err(404, 'Record is not found'));
    assert.deepEqual(answer(await m.post('/otp/sign', { user_uid: plain.uid, otp_code: '123456', jwt })), err(422, 'Account has not enabled 2FA'));
    const otp = await enableOtp(t, client);
    assert.deepEqual(answer(await m.post('/otp/sign', { user_uid: uid, otp_code: '000000', jwt })), err(422, 'OTP code is invalid'));
    assert.deepEqual(answer(await m.post('/otp/sign', { user_uid: uid, otp_code: otp.code(), jwt: { signatures: [] } })), err(422, 'JWT is invalid by the reason "payload must be a base64url string"'));
    const r = await m.post('/otp/sign', { user_uid: uid, otp_code: otp.freshCode(), jwt });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['payload', 'signatures']);
    assert.equal(r.body.payload, inner.payload);
    assert.deepEqual(r.body.signatures.map((s: { header: { kid: string } }) => s.header.kid), ['peatio', 'barong']);
    const barong = r.body.signatures[1];
    assert.equal(JSON.parse(Buffer.from(barong.protected, 'base64url').toString()).alg, t.c.keys.algorithm);
    assert.ok(verifyJoseSignature(t.c.keys.algorithm, `${barong.protected}.${inner.payload}`, Buffer.from(barong.signature, 'base64url'), t.c.keys.publicKey));
  });

  test('refuses payloads shaped like a Warden token: co-signed, they would pass as a session of anyone', async () => {
    const email = uniqueEmail('forge');
    const client = await activeUser(t, email);
    const [{ uid }] = await t.c.db.query<{ uid: string }>('SELECT uid FROM users WHERE email = $1', [email]);
    await enableOtp(t, client);
    const root = await makeUser(t, 'superadmin');
    const now = Math.floor(Date.now() / 1000);
    const forged = (extra: Record<string, unknown>) => envelope({ iat: now, exp: now + 600, jti: 'f00d', uid: root.uid, role: 'superadmin', ...extra }, ['peatio']);
    const refused = 'JWT is invalid by the reason "payload must not be shaped like a Warden token (sub session/confirmation/reset/freeze or iss barong)"';
    // the outer envelope on the test clock, which enabling 2FA moved forward
    const sign = (jwt: unknown) => {
      const at = Math.floor(t.clock.now() / 1000);
      return m.raw('POST', '/otp/sign', JSON.stringify(envelope({ iat: at, exp: at + 60, data: { user_uid: uid, otp_code: '000000', jwt } })));
    };
    for (const extra of [{ sub: 'session' }, { sub: 'confirmation' }, { sub: 'reset' }, { sub: 'freeze' }, { iss: 'barong' }]) {
      // the shape is refused before the code is looked at: no code is spent on it
      assert.deepEqual(answer(await sign(forged(extra))), err(422, refused), JSON.stringify(extra));
    }
    const notJson = { payload: Buffer.from('not json').toString('base64url'), signatures: [] };
    assert.deepEqual(answer(await sign(notJson)), err(422, 'JWT is invalid by the reason "payload must be a JSON object"'));
    assert.deepEqual(answer(await sign(forged({ sub: 'withdraw' }))), err(422, 'OTP code is invalid'), 'any other payload reaches the code check');
  });
});
