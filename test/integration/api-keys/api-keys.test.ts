import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { twoFactorUser } from './two-factor.js';
import { gateWithKey, jwtClaims } from './gate.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const ME = 'api/v2/auth/resource/users/me';

describe('POST resource/api_keys', () => {
  test('creates a key: 201 with the secret (only here), kid and split scope; an activity is written', async () => {
    const u = await twoFactorUser(t);
    const r = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', scope: 'trade,withdraw', totp_code: u.code() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['kid', 'algorithm', 'scope', 'state', 'secret', 'created_at', 'updated_at'], 'Barong\'s APIKey keys: no allowed_ips/expires_at when the key has none');
    assert.match(r.body.kid, /^[0-9a-f]{16}$/);
    assert.match(r.body.secret, /^[0-9a-f]{32}$/);
    assert.deepEqual([r.body.algorithm, r.body.scope, r.body.state], ['HS256', ['trade', 'withdraw'], 'active']);
    const [row] = await t.c.db.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM apikeys WHERE kid = $1', [r.body.kid]);
    assert.ok(!row.secret_encrypted.includes(r.body.secret), 'the secret is stored sealed');
    const list = await u.client.get('/resource/api_keys');
    assert.equal(list.body.length, 1);
    assert.deepEqual(Object.keys(list.body[0]), ['kid', 'algorithm', 'scope', 'state', 'created_at', 'updated_at']);
    const acts = await u.client.get('/resource/users/activity/api_keys');
    assert.deepEqual(acts.body.map((a: { action: string; result: string }) => [a.action, a.result]), [['create api key', 'succeed']]);
  });

  test('params: every missing/blank key in declaration order; scope omitted → []', async () => {
    const u = await twoFactorUser(t);
    assert.deepEqual((await u.client.send('POST', '/resource/api_keys', {})).body, {
      errors: ['resource.apikey.missing_algorithm', 'resource.apikey.empty_algorithm', 'resource.api_key.missing_totp', 'resource.apikey.empty_totp_code'],
    });
    const blank = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: ' ' });
    assert.deepEqual([blank.status, blank.body], [422, { errors: ['resource.apikey.empty_totp_code'] }]);
    const r = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS512', totp_code: u.code() });
    assert.deepEqual([r.status, r.body.scope, r.body.algorithm], [201, [], 'HS512']);
  });

  test('2FA off → 400 2fa_disabled; a wrong or replayed code → 422 invalid_totp (logged as failed)', async () => {
    const plain = await twoFactorUser(t, { otp: false });
    const off = await plain.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: '123456' });
    assert.deepEqual([off.status, off.body], [400, { errors: ['resource.api_key.2fa_disabled'] }]);
    const u = await twoFactorUser(t);
    const code = u.code();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.deepEqual((await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: wrong })).body, { errors: ['resource.api_key.invalid_totp'] });
    assert.equal((await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: code })).status, 201);
    const replay = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: code });
    assert.deepEqual([replay.status, replay.body], [422, { errors: ['resource.api_key.invalid_totp'] }]);
    const acts = (await u.client.get('/resource/users/activity/api_keys')).body as { result: string; data: string | null }[];
    assert.deepEqual(acts.map((a) => a.result), ['failed', 'succeed', 'failed']);
    assert.match(String(acts[0].data), /resource\.api_key\.invalid_totp/);
  });

  test('model errors: non-HS algorithm → kid.blank + algorithm.inclusion; unknown HS → algorithm.inclusion', async () => {
    const u = await twoFactorUser(t);
    assert.deepEqual((await u.client.send('POST', '/resource/api_keys', { algorithm: 'RS256', totp_code: u.code() })).body, { errors: ['kid.blank', 'algorithm.inclusion'] });
    assert.deepEqual((await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS999', totp_code: u.code() })).body, { errors: ['algorithm.inclusion'] });
    assert.equal((await u.client.get('/resource/api_keys')).body.length, 0, 'nothing was stored');
  });

  test('limits beyond Barong: allowed_ips must be CIDRs, expires_at must be in the future', async () => {
    const u = await twoFactorUser(t);
    const bad = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code(), allowed_ips: '10.0.0.0/8,not-an-ip', expires_at: '1000' });
    assert.deepEqual([bad.status, bad.body], [422, { errors: ['allowed_ips.invalid', 'expires_at.invalid'] }]);
    assert.deepEqual((await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code(), expires_at: 'tomorrow' })).body, { errors: ['expires_at.invalid'] });
    const at = Math.floor(t.clock.now() / 1000) + 3600;
    const ok = await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code(), allowed_ips: '10.0.0.0/8, 2001:db8::/32', expires_at: String(at) });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(Object.keys(ok.body), ['kid', 'algorithm', 'scope', 'state', 'secret', 'allowed_ips', 'expires_at', 'created_at', 'updated_at'], 'limits that are set are shown');
    assert.deepEqual(ok.body.allowed_ips, ['10.0.0.0/8', '2001:db8::/32']);
    assert.equal(ok.body.expires_at, new Date(at * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const listed = (await u.client.get('/resource/api_keys')).body.find((k: { kid: string }) => k.kid === ok.body.kid);
    assert.deepEqual(Object.keys(listed), ['kid', 'algorithm', 'scope', 'state', 'allowed_ips', 'expires_at', 'created_at', 'updated_at']);
  });
});

describe('GET resource/api_keys', () => {
  test('paginated, ordered by any column, ascending by default; bad ordering/attribute keys', async () => {
    const u = await twoFactorUser(t);
    const kids: string[] = [];
    for (let i = 0; i < 3; i++) kids.push((await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body.kid);
    const all = await u.client.get('/resource/api_keys');
    assert.deepEqual(all.body.map((k: { kid: string }) => k.kid), kids);
    assert.equal(all.headers.total, '3');
    const desc = await u.client.get('/resource/api_keys', { ordering: 'desc', limit: '2', page: '1' });
    assert.deepEqual(desc.body.map((k: { kid: string }) => k.kid), [kids[2], kids[1]]);
    assert.deepEqual([desc.headers.total, desc.headers.page, desc.headers['per-page']], ['3', '1', '2']);
    const byKid = await u.client.get('/resource/api_keys', { order_by: 'kid' });
    assert.deepEqual(byKid.body.map((k: { kid: string }) => k.kid), [...kids].sort());
    assert.deepEqual((await u.client.get('/resource/api_keys', { page: '3', limit: '2' })).body, []);
    assert.deepEqual((await u.client.get('/resource/api_keys', { ordering: 'up', order_by: 'password' })).body, {
      errors: ['resource.api_key.invalid_ordering', 'resource.api_key.invalid_attribute'],
    });
  });

  test('ordering, order_by, page and limit errors in one 422, in declaration order', async () => {
    const u = await twoFactorUser(t);
    const get = (query: Record<string, string>) => u.client.get('/resource/api_keys', query).then((r) => [r.status, r.body]);
    assert.deepEqual(await get({ page: '0', limit: 'x' }), [422, { errors: ['non_positive_page', 'non_integer_limit'] }]);
    assert.deepEqual(await get({ page: 'x', limit: '0' }), [422, { errors: ['non_integer_page', 'invalid_limit'] }]);
    assert.deepEqual(await get({ ordering: 'bad', page: '0' }), [422, { errors: ['resource.api_key.invalid_ordering', 'non_positive_page'] }]);
    assert.deepEqual(await get({ limit: '101', order_by: 'password', ordering: 'up', page: 'x' }), [422, {
      errors: ['resource.api_key.invalid_ordering', 'resource.api_key.invalid_attribute', 'non_integer_page', 'invalid_limit'],
    }]);
    assert.deepEqual(await get({ ordering: 'DESC', order_by: 'created_at', page: '1', limit: '100' }), [200, []]);
  });

  test('without credentials → 401', async () => {
    const r = await t.app.inject({ method: 'GET', url: `${t.prefix}/resource/api_keys` });
    assert.deepEqual([r.statusCode, r.json()], [401, { errors: ['jwt.decode_and_verify'] }]);
  });
});

describe('PATCH and DELETE resource/api_keys/:kid', () => {
  test('update keeps the scope when absent (Warden fix #5), changes state; foreign and unknown kids → 404', async () => {
    const u = await twoFactorUser(t);
    const other = await twoFactorUser(t);
    const key = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', scope: 'read', totp_code: u.code() })).body;
    const r = await u.client.send('PATCH', `/resource/api_keys/${key.kid}`, { state: 'inactive', totp_code: u.code() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.state, r.body.scope, 'secret' in r.body], ['inactive', ['read'], false]);
    const rescoped = await u.client.send('PATCH', `/resource/api_keys/${key.kid}`, { scope: 'a,b', state: 'active', totp_code: u.code() });
    assert.deepEqual([rescoped.body.state, rescoped.body.scope], ['active', ['a', 'b']]);
    assert.deepEqual((await other.client.send('PATCH', `/resource/api_keys/${key.kid}`, { state: 'inactive', totp_code: other.code() })).body, { errors: ['record.not_found'] });
    const unknown = await u.client.send('PATCH', '/resource/api_keys/ffffffffffffffff', { state: 'inactive', totp_code: u.code() });
    assert.deepEqual([unknown.status, unknown.body], [404, { errors: ['record.not_found'] }]);
    assert.deepEqual((await u.client.send('PATCH', `/resource/api_keys/${key.kid}`, { state: ' ' })).body, {
      errors: ['resource.apikey.empty_state', 'resource.api_key.missing_totp', 'resource.apikey.empty_totp_code'],
    });
  });

  test('delete: 204, then 404; the key no longer opens the gateway', async () => {
    const u = await twoFactorUser(t);
    const key = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body;
    assert.equal((await gateWithKey(t, ME, key)).status, 200);
    const del = await u.client.call('DELETE', `/resource/api_keys/${key.kid}`, { query: { totp_code: u.code() }, headers: { 'x-csrf-token': u.client.csrf! } });
    assert.equal(del.status, 204);
    const again = await u.client.call('DELETE', `/resource/api_keys/${key.kid}`, { query: { totp_code: u.code() }, headers: { 'x-csrf-token': u.client.csrf! } });
    assert.deepEqual([again.status, again.body], [404, { errors: ['record.not_found'] }]);
    assert.deepEqual((await gateWithKey(t, ME, key)).body, { errors: ['authz.unexistent_apikey'] });
  });
});

describe('keys made through the API, at the gateway check', () => {
  test('a new key passes and the JWT names its owner; signature, nonce and replay failures', async () => {
    const u = await twoFactorUser(t);
    const key = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS384', totp_code: u.code() })).body;
    const nonce = String(t.clock.now());
    const ok = await gateWithKey(t, ME, key, { nonce });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await jwtClaims(t, ok.authorization!)).uid, u.uid);
    assert.deepEqual(await gateWithKey(t, ME, key, { nonce }).then((r) => [r.status, r.body]), [401, { errors: ['authz.nonce_reused'] }]);
    assert.deepEqual((await gateWithKey(t, ME, key, { signature: 'ab'.repeat(48) })).body, { errors: ['authz.invalid_signature'] });
    assert.deepEqual((await gateWithKey(t, ME, key, { nonce: String(t.clock.now() - 5000) })).body, { errors: ['authz.nonce_expired'] });
  });

  test('inactive key → apikey_not_active; disabling 2FA deactivates the keys; 2FA off on an active key → disabled_2fa', async () => {
    const u = await twoFactorUser(t);
    const k1 = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body;
    const k2 = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body;
    await u.client.send('PATCH', `/resource/api_keys/${k1.kid}`, { state: 'inactive', totp_code: u.code() });
    assert.deepEqual(await gateWithKey(t, ME, k1).then((r) => [r.status, r.body]), [401, { errors: ['authz.apikey_not_active'] }]);
    // 2FA switched off behind the service's back (e.g. a restored backup): the flag alone refuses
    await t.c.db.query('UPDATE users SET otp = false WHERE id = $1', [u.id]);
    t.c.users.invalidate(u.uid);
    assert.deepEqual((await gateWithKey(t, ME, k2)).body, { errors: ['authz.disabled_2fa'] });
    await t.c.db.query('UPDATE users SET otp = true WHERE id = $1', [u.id]);
    t.c.users.invalidate(u.uid);
    assert.equal((await gateWithKey(t, ME, k2)).status, 200);
    const { usersRepo } = await import('../../../src/db/repositories/users.js');
    await t.c.otp.disable((await usersRepo.byId(t.c.db, u.id))!, u.code(), { ip: '127.0.0.1', userAgent: 'test' });
    assert.deepEqual((await gateWithKey(t, ME, k2)).body, { errors: ['authz.apikey_not_active'] });
  });

  test('leaving active through labels turns the keys off, and they stay off when the state comes back (§3.1 step 4, §2.1)', async () => {
    const { usersRepo } = await import('../../../src/db/repositories/users.js');
    const stateOf = async (kid: string) => (await t.c.db.query<{ state: string }>('SELECT state FROM apikeys WHERE kid = $1', [kid]))[0].state;
    const u = await twoFactorUser(t);
    const k = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body;
    assert.equal((await gateWithKey(t, ME, k)).status, 200);
    const label = async (f: (q: Parameters<Parameters<typeof t.c.db.tx>[0]>[0], user: NonNullable<Awaited<ReturnType<typeof usersRepo.byId>>>) => Promise<unknown>) => {
      await t.c.db.tx(async (q) => { await f(q, (await usersRepo.byId(q, u.id))!); });
      t.c.identity.events.committed();
    };
    await label((q, user) => t.c.identity.labels.setPrivate(q, user, 'ban', 'fraud'));
    assert.equal(await stateOf(k.kid), 'inactive');
    await label((q, user) => t.c.identity.labels.removePrivate(q, user, 'ban'));
    assert.equal((await usersRepo.byId(t.c.db, u.id))!.state, 'active');
    const end = Date.now() + 3000;
    let r = await gateWithKey(t, ME, k);
    while (r.body?.errors?.[0] !== 'authz.apikey_not_active' && Date.now() < end) { await new Promise((w) => setTimeout(w, 20)); r = await gateWithKey(t, ME, k); }
    assert.deepEqual([r.status, r.body], [401, { errors: ['authz.apikey_not_active'] }]);
    // self-deletion is a label too
    const k2 = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code() })).body;
    assert.equal(await stateOf(k2.kid), 'active');
    assert.equal((await u.client.send('DELETE', '/resource/users/me', { password: 'Tecohvi0-Xq', otp_code: u.code() })).status, 200);
    assert.equal(await stateOf(k2.kid), 'inactive');
  });

  test('allowed_ips: a caller outside the networks → 401 ip_not_allowed, inside → 200 (IPv4 and IPv6)', async () => {
    const u = await twoFactorUser(t);
    const key = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code(), allowed_ips: '10.0.0.0/8,2001:db8::/32' })).body;
    assert.deepEqual(await gateWithKey(t, ME, key).then((r) => [r.status, r.body]), [401, { errors: ['authz.ip_not_allowed'] }]);
    assert.deepEqual((await gateWithKey(t, ME, key, { ip: '11.0.0.1' })).body, { errors: ['authz.ip_not_allowed'] });
    assert.deepEqual(await gateWithKey(t, ME, key, { ip: '10.20.30.40' }).then((r) => [r.status, r.body]), [200, null]);
    assert.deepEqual(await gateWithKey(t, ME, key, { ip: '2001:db8::7' }).then((r) => [r.status, r.body]), [200, null]);
    // clearing the list on update lifts the limit
    const cleared = await u.client.send('PATCH', `/resource/api_keys/${key.kid}`, { allowed_ips: '', totp_code: u.code() });
    assert.deepEqual([cleared.status, 'allowed_ips' in cleared.body], [200, false]);
    assert.equal((await gateWithKey(t, ME, key)).status, 200);
  });

  test('expires_at: the key works until then and answers apikey_expired after', async () => {
    const u = await twoFactorUser(t);
    const at = new Date(t.clock.now() + 120_000).toISOString();
    const key = (await u.client.send('POST', '/resource/api_keys', { algorithm: 'HS256', totp_code: u.code(), expires_at: at })).body;
    assert.equal((await gateWithKey(t, ME, key)).status, 200);
    t.clock.advance(121);
    assert.deepEqual(await gateWithKey(t, ME, key).then((r) => [r.status, r.body]), [401, { errors: ['authz.apikey_expired'] }]);
  });
});
