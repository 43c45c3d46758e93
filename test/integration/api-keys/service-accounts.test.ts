import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { USER_CHANNEL } from '../../../src/domain/authz/user-snapshots.js';
import { twoFactorUser, type TwoFactorUser } from './two-factor.js';
import { gateWithKey, jwtClaims } from './gate.js';

let t: TestApp;
before(async () => { t = await startTestApp({ SERVICE_ACCOUNTS_PER_USER: '2', SERVICE_ACCOUNT_ROLES: 'service_account,quant' }); });
after(async () => { await t.close(); });

const PEATIO = 'api/v2/peatio/account/balances';
const newAccount = (u: TwoFactorUser, body: Record<string, unknown> = {}) => u.client.send('POST', '/resource/service_accounts', { totp_code: u.code(), ...body });
const del = (u: TwoFactorUser, path: string, query: Record<string, string>) => u.client.call('DELETE', path, { query, headers: { 'x-csrf-token': u.client.csrf! } });

describe('resource/service_accounts', () => {
  test('create: 201 raw record mirroring the owner; list shows only the caller\'s accounts', async () => {
    const u = await twoFactorUser(t);
    const other = await twoFactorUser(t);
    const r = await newAccount(u);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['id', 'uid', 'owner_id', 'email', 'role', 'level', 'state', 'created_at', 'updated_at']);
    assert.match(r.body.uid, /^SI[0-9A-F]{10}$/);
    const [local, domain] = u.email.split('@');
    assert.equal(r.body.email, `${local}+${r.body.uid}@${domain}`);
    assert.deepEqual([r.body.owner_id, r.body.role, r.body.level, r.body.state], [u.id, 'service_account', 1, 'active']);
    assert.match(r.body.created_at, /\.\d{3}Z$/, 'raw records carry milliseconds');
    assert.deepEqual((await u.client.get('/resource/service_accounts')).body.map((a: { uid: string }) => a.uid), [r.body.uid]);
    assert.deepEqual((await other.client.get('/resource/service_accounts')).body, []);
    const acts = (await u.client.get('/resource/users/activity/service_accounts')).body as { action: string; result: string }[];
    assert.deepEqual(acts.map((a) => [a.action, a.result]), [['create service account', 'succeed']]);
  });

  test('refusals: params, 2FA off, wrong code, a role outside SERVICE_ACCOUNT_ROLES, a role without permissions, the per-user limit', async () => {
    const u = await twoFactorUser(t);
    assert.deepEqual((await u.client.send('POST', '/resource/service_accounts', {})).body, { errors: ['resource.service_accounts.missing_totp', 'resource.serviceaccount.empty_totp_code'] });
    const plain = await twoFactorUser(t, { otp: false });
    assert.deepEqual(await plain.client.send('POST', '/resource/service_accounts', { totp_code: '000000' }).then((r) => [r.status, r.body]), [400, { errors: ['resource.service_accounts.2fa_disabled'] }]);
    assert.deepEqual(await u.client.send('POST', '/resource/service_accounts', { totp_code: '000000' }).then((r) => [r.status, r.body]), [422, { errors: ['resource.service_accounts.invalid_totp'] }]);
    assert.deepEqual((await newAccount(u, { role: 'superadmin' })).body, { errors: ['resource.service_accounts.invalid_role'] });
    assert.deepEqual((await newAccount(u, { role: 'quant' })).body, { errors: ['role.doesnt_exist'] });
    assert.equal((await newAccount(u)).status, 201);
    assert.equal((await newAccount(u)).status, 201);
    assert.deepEqual(await newAccount(u).then((r) => [r.status, r.body]), [422, { errors: ['resource.service_accounts.limit_reached'] }]);
  });
});

describe('resource/service_accounts/api_keys', () => {
  test('create, list, update, delete with the owner\'s code; unknown or foreign accounts → 404 before the code is looked at', async () => {
    const u = await twoFactorUser(t);
    const other = await twoFactorUser(t);
    const sa = (await newAccount(u)).body;
    const created = await u.client.send('POST', '/resource/service_accounts/api_keys', { service_account_uid: sa.uid, algorithm: 'HS256', scope: 'trade', totp_code: u.code() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.secret, /^[0-9a-f]{32}$/);
    const list = await u.client.get('/resource/service_accounts/api_keys', { service_account_uid: sa.uid });
    assert.deepEqual([list.status, list.body.map((k: { kid: string }) => k.kid), list.headers.total], [200, [created.body.kid], '1']);
    assert.equal((await u.client.get('/resource/api_keys')).body.length, 0, 'the owner\'s own keys are separate');
    const updated = await u.client.send('PUT', `/resource/service_accounts/api_keys/${created.body.kid}`, { service_account_uid: sa.uid, state: 'inactive', totp_code: u.code() });
    assert.deepEqual([updated.status, updated.body.state, updated.body.scope], [200, 'inactive', ['trade']]);
    for (const uid of [sa.uid, 'SI0000000000']) {
      const foreign = await (uid === sa.uid ? other : u).client.get('/resource/service_accounts/api_keys', { service_account_uid: uid });
      assert.deepEqual([foreign.status, foreign.body], [404, { errors: ['resource.service_account.doesnt_exist'] }]);
    }
    assert.deepEqual((await other.client.send('POST', '/resource/service_accounts/api_keys', { service_account_uid: sa.uid, algorithm: 'HS256', totp_code: 'x' })).body, { errors: ['resource.service_account.doesnt_exist'] });
    assert.deepEqual((await u.client.get('/resource/service_accounts/api_keys', { service_account_uid: sa.uid, ordering: 'sideways' })).body, { errors: ['resource.service_accounts.invalid_ordering'] });
    assert.deepEqual(await u.client.get('/resource/service_accounts/api_keys', { service_account_uid: sa.uid, ordering: 'sideways', page: '0', limit: 'x' }).then((r) => [r.status, r.body]),
      [422, { errors: ['resource.service_accounts.invalid_ordering', 'non_positive_page', 'non_integer_limit'] }]);
    assert.deepEqual((await u.client.send('POST', '/resource/service_accounts/api_keys', { service_account_uid: sa.uid, algorithm: 'HS256' })).body, { errors: ['resource.service_accounts.missing_totp', 'resource.serviceaccount.empty_totp_code'] });
    assert.equal((await del(u, `/resource/service_accounts/api_keys/${created.body.kid}`, { service_account_uid: sa.uid, totp_code: u.code() })).status, 204);
    assert.deepEqual(await del(u, `/resource/service_accounts/api_keys/${created.body.kid}`, { service_account_uid: sa.uid, totp_code: u.code() }).then((r) => [r.status, r.body]), [404, { errors: ['record.not_found'] }]);
  });
});

describe('service-account keys at the gateway check', () => {
  async function keyedAccount() {
    const u = await twoFactorUser(t);
    const sa = (await newAccount(u)).body;
    const key = (await u.client.send('POST', '/resource/service_accounts/api_keys', { service_account_uid: sa.uid, algorithm: 'HS256', totp_code: u.code() })).body;
    return { u, sa, key };
  }

  test('the JWT carries the service account\'s claims (uid, email, role, level, state) and no user fields', async () => {
    const { sa, key } = await keyedAccount();
    const r = await gateWithKey(t, PEATIO, key);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const claims = await jwtClaims(t, r.authorization!);
    assert.deepEqual([claims.uid, claims.email, claims.role, claims.level, claims.state], [sa.uid, sa.email, 'service_account', 1, 'active']);
    assert.equal('username' in claims || 'referral_id' in claims, false);
  });

  test('the owner turning 2FA off deactivates the account\'s keys', async () => {
    const { u, key } = await keyedAccount();
    assert.equal((await gateWithKey(t, PEATIO, key)).status, 200);
    await t.c.otp.disable((await usersRepo.byId(t.c.db, u.id))!, u.code(), { ip: '127.0.0.1', userAgent: 'test' });
    assert.deepEqual((await gateWithKey(t, PEATIO, key)).body, { errors: ['authz.apikey_not_active'] });
  });

  test('the owner\'s ban reaches the account (state mirrors the owner)', async () => {
    const { u, key } = await keyedAccount();
    assert.equal((await gateWithKey(t, PEATIO, key)).status, 200);
    await t.c.db.query("UPDATE users SET state = 'banned' WHERE id = $1", [u.id]);
    await t.c.kv.publish(USER_CHANNEL, u.uid);
    const end = Date.now() + 3000;
    let r = await gateWithKey(t, PEATIO, key);
    while (r.status === 200 && Date.now() < end) { await new Promise((res) => setTimeout(res, 20)); r = await gateWithKey(t, PEATIO, key); }
    assert.deepEqual([r.status, r.body], [401, { errors: ['authz.invalid_session'] }]);
  });

  test('the owner freezing his account (new-login mail link) also turns his accounts\' keys off', async () => {
    const { u, key } = await keyedAccount();
    assert.equal((await gateWithKey(t, PEATIO, key)).status, 200);
    const token = new URL(t.c.freezes.link(u.uid)).searchParams.get('token')!;
    await t.c.freezes.freeze(token, { ip: '127.0.0.1', userAgent: 'test' });
    const [row] = await t.c.db.query<{ state: string }>('SELECT state FROM apikeys WHERE kid = $1', [key.kid]);
    assert.equal(row.state, 'inactive');
    assert.deepEqual((await gateWithKey(t, PEATIO, key)).body, { errors: ['authz.apikey_not_active'] });
  });

  test('deleting the account deletes its keys: they stop at once', async () => {
    const { u, sa, key } = await keyedAccount();
    assert.equal((await gateWithKey(t, PEATIO, key)).status, 200);
    assert.equal((await del(u, `/resource/service_accounts/${sa.uid}`, { totp_code: u.code() })).status, 204);
    assert.deepEqual((await gateWithKey(t, PEATIO, key)).body, { errors: ['authz.unexistent_apikey'] });
    assert.deepEqual((await u.client.get('/resource/service_accounts')).body, []);
  });
});
