import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, UA, activeUser, uniqueEmail } from '../../helpers/client.js';
import { verifyCompact } from '../../../src/lib/jws.js';
import { apiKeySignature } from '../../../src/lib/hmac.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const P = 'api/v2/auth';

/** What nginx's auth_request sends: the original path under AUTHZ_PREFIX, headers and cookies. */
async function gate(method: string, path: string, opts: { client?: Client; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'user-agent': opts.client?.ua ?? UA, ...opts.headers };
  if (opts.client?.cookie) headers.cookie = `_barong_session=${opts.client.cookie}`;
  if (opts.client?.ip) headers['x-forwarded-for'] = opts.client.ip;
  const res = await t.app.inject({ method: method as 'GET', url: `/api/v2/authz/${path}`, headers });
  return { status: res.statusCode, body: res.body ? res.json() : null, authorization: res.headers.authorization as string | undefined };
}

async function jwtClaims(authorization: string) {
  const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  const key = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
  return verifyCompact(authorization.replace(/^Bearer /, ''), key, 'RS256').claims;
}

async function until(cond: () => Promise<boolean>, ms = 3000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('condition not met in time'); await new Promise((r) => setTimeout(r, 20)); }
}

describe('path rules', () => {
  test('pass routes are allowed anonymously, without a JWT, even with a bad cookie', async () => {
    const r = await gate('POST', `${P}/identity/sessions`, { headers: { cookie: '_barong_session=forged' } });
    assert.deepEqual([r.status, r.authorization], [200, undefined]);
    assert.equal((await gate('GET', 'api/v2/peatio/public/markets')).status, 200);
    // Barong's own prefix too (§11.8 as written), for frontends built for Barong
    assert.deepEqual(await gate('POST', 'api/v2/barong/identity/sessions').then((r) => [r.status, r.authorization]), [200, undefined]);
    assert.equal((await gate('GET', 'api/v2/barong/public/ping')).status, 200);
  });
  test('block routes are refused', async () => {
    assert.deepEqual(await gate('GET', `${P}/management/users`).then((r) => [r.status, r.body]), [401, { errors: ['authz.permission_denied'] }]);
    assert.deepEqual(await gate('POST', 'api/v2/barong/management/users/get').then((r) => [r.status, r.body]), [401, { errors: ['authz.permission_denied'] }]);
  });
});

describe('cookie mode', () => {
  test('a valid session gets a Barong JWT verifiable with the JWKS key', async () => {
    const c = await activeUser(t);
    const r = await gate('GET', `${P}/resource/users/me`, { client: c });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const claims = await jwtClaims(r.authorization!);
    const me = (await c.get('/resource/users/me')).body;
    assert.equal(claims.uid, me.uid);
    assert.equal(claims.email, me.email);
    assert.deepEqual([claims.role, claims.level, claims.state, claims.sub, claims.iss], ['member', 1, 'active', 'session', 'barong']);
    assert.deepEqual(claims.aud, ['peatio', 'barong']);
    assert.match(String(claims.jti), /^[0-9a-f]{20}$/);
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.ok('referral_id' in claims && 'username' in claims);
  });

  test('§11.7: a token is never older than the second of the check: later checks get iat = now and a new jti', async () => {
    const c = await activeUser(t);
    const first = await jwtClaims((await gate('GET', `${P}/resource/users/me`, { client: c })).authorization!);
    t.clock.advance(120);
    const later = await jwtClaims((await gate('GET', `${P}/resource/users/me`, { client: c })).authorization!);
    assert.ok([120, 121].includes(Number(later.iat) - Number(first.iat)), `iat moved by ${Number(later.iat) - Number(first.iat)} s`);
    assert.ok(Math.abs(Number(later.iat) - t.clock.now() / 1000) <= 1, 'iat = now');
    assert.match(String(later.jti), /^[0-9a-f]{20}$/);
    assert.notEqual(later.jti, first.jti);
  });

  test('no session → invalid_session; state-changing verbs need the CSRF token first', async () => {
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`)).body, { errors: ['authz.invalid_session'] });
    assert.deepEqual((await gate('POST', `${P}/resource/users/me`)).body, { errors: ['authz.missing_csrf_token'] });
    const c = await activeUser(t);
    assert.deepEqual((await gate('PUT', `${P}/resource/users/me`, { client: c })).body, { errors: ['authz.missing_csrf_token'] });
    assert.deepEqual((await gate('PUT', `${P}/resource/users/me`, { client: c, headers: { 'x-csrf-token': 'nope' } })).body, { errors: ['authz.csrf_token_mismatch'] });
    assert.equal((await gate('PUT', `${P}/resource/users/me`, { client: c, headers: { 'x-csrf-token': c.csrf! } })).status, 200);
  });

  test('another User-Agent or /16 ends the session', async () => {
    const c = await activeUser(t);
    c.ip = '198.51.100.10';
    assert.equal((await gate('GET', `${P}/resource/users/me`, { client: c })).status, 401, 'session was opened from loopback');
    const d = await activeUser(t);
    d.ua = 'Other/1.0';
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { client: d })).body, { errors: ['authz.client_session_mismatch'] });
    d.ua = UA;
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { client: d })).body, { errors: ['authz.invalid_session'] });
  });

  test('a user banned through a label is refused at once (the change is announced to the user cache)', async () => {
    const c = await activeUser(t);
    assert.equal((await gate('GET', `${P}/resource/users/me`, { client: c })).status, 200);
    const uid = (await c.get('/resource/users/me')).body.uid;
    await t.c.db.tx(async (q) => {
      const user = (await q.query<{ id: number }>('SELECT id FROM users WHERE uid = $1', [uid]))[0];
      const { usersRepo } = await import('../../../src/db/repositories/users.js');
      await t.c.identity.labels.setPrivate(q, (await usersRepo.byId(q, Number(user.id)))!, 'ban', 'fraud');
    });
    t.c.identity.events.committed();
    await until(async () => (await gate('GET', `${P}/resource/users/me`, { client: c })).status === 401);
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { client: c })).body, { errors: ['authz.user_not_active'] });
  });
});

describe('permissions', () => {
  test('a member on an admin path is denied and a denied admin activity is written', async () => {
    const c = await activeUser(t);
    const r = await gate('GET', `${P}/admin/users?uid=nobody`, { client: c });
    assert.deepEqual([r.status, r.body], [401, { errors: ['authz.invalid_permission'] }]);
    const uid = (await c.get('/resource/users/me')).body.uid;
    await until(async () => (await t.c.db.query("SELECT 1 FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 AND a.category = 'admin'", [uid])).length > 0);
    const [row] = await t.c.db.query<{ topic: string; action: string; result: string; data: string }>(
      "SELECT a.topic, a.action, a.result, a.data FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 AND a.category = 'admin'", [uid]);
    assert.deepEqual([row.topic, row.action, row.result], ['users', 'read', 'denied']);
    assert.equal(JSON.parse(row.data).path, `${P}/admin/users`);
  });

  test('a forwarded body adds its parameters to the admin activity; the query wins a clash (§11.6)', async () => {
    const c = await activeUser(t);
    const uid = (await c.get('/resource/users/me')).body.uid as string;
    const headers = { 'user-agent': c.ua, cookie: `_barong_session=${c.cookie}`, 'x-csrf-token': c.csrf! };
    const json = await t.app.inject({ method: 'POST', url: `/api/v2/authz/${P}/admin/users/labels?n=1&key=from-query`, headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ uid, key: 'from-body', value: 'x', nested: { a: 1 } }) });
    const form = await t.app.inject({ method: 'PUT', url: `/api/v2/authz/${P}/admin/users?n=2`, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `user_uid=${uid}&state=banned&list[]=a&list[]=b` });
    const junk = await t.app.inject({ method: 'DELETE', url: `/api/v2/authz/${P}/admin/users?n=3`, headers: { ...headers, 'content-type': 'application/json' }, payload: '{"uid":' });
    assert.deepEqual([json.statusCode, form.statusCode, junk.statusCode], [401, 401, 401]);
    const rowsOf = () => t.c.db.query<{ target_uid: string | null; action: string; data: string }>(
      "SELECT a.target_uid, a.action, a.data FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 AND a.category = 'admin' ORDER BY a.id", [uid]);
    await until(async () => (await rowsOf()).length >= 3);
    const rows = (await rowsOf()).map((r) => [r.target_uid, r.action, JSON.parse(r.data)]);
    assert.deepEqual(rows, [
      [uid, 'create', { uid, key: 'from-query', value: 'x', n: '1', path: `${P}/admin/users/labels` }],
      [uid, 'update', { user_uid: uid, state: 'banned', list: ['a', 'b'], n: '2', path: `${P}/admin/users` }],
      [null, 'delete', { n: '3', path: `${P}/admin/users` }],
    ]);
  });

  test('a burst of denials is written in full, with the target uid only when it names a user', async () => {
    const c = await activeUser(t);
    const uid = (await c.get('/resource/users/me')).body.uid as string;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      gate('GET', `${P}/admin/users/${i}?uid=${i % 2 === 0 ? uid : `ID${i}NOBODY`}&n=${i}`, { client: c })));
    assert.ok(answers.every((r) => r.status === 401));
    const rowsOf = () => t.c.db.query<{ target_uid: string | null; data: string }>(
      "SELECT a.target_uid, a.data FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 AND a.category = 'admin' ORDER BY a.id", [uid]);
    await until(async () => (await rowsOf()).length >= 60);
    const rows = await rowsOf();
    assert.equal(rows.length, 60);
    const byN = new Map(rows.map((r) => [Number(JSON.parse(r.data).n), r.target_uid]));
    assert.deepEqual([...byN.keys()].sort((a, b) => a - b), [...Array(60).keys()]);
    for (const [n, target] of byN) assert.equal(target, n % 2 === 0 ? uid : null, `request ${n}`);
  });

  test('/metrics counts signed and reused gateway JWTs, and shows the password-hash queue', async () => {
    const metric = async (name: string) => {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1] ?? NaN);
    };
    const c = await activeUser(t);
    const [signed, reused] = [await metric('warden_gateway_jwt_signed_total'), await metric('warden_gateway_jwt_reused_total')];
    for (let i = 0; i < 3; i++) assert.equal((await gate('GET', `${P}/resource/users/me`, { client: c })).status, 200);
    // One signature for the new principal, then its token is reused within the second (a second
    // boundary between the requests may cost one more signature).
    const [signedNow, reusedNow] = [await metric('warden_gateway_jwt_signed_total'), await metric('warden_gateway_jwt_reused_total')];
    assert.equal(signedNow + reusedNow, signed + reused + 3);
    assert.ok(signedNow - signed >= 1 && signedNow - signed <= 2, `${signedNow - signed} signatures`);
    assert.equal(await metric('warden_password_hash_queue'), 0);
    assert.equal(await metric('warden_admin_audit_dropped_total'), 0);
  });

  test('a DROP rule added through the policy channel takes effect without a restart', async () => {
    const c = await activeUser(t);
    assert.equal((await gate('DELETE', `${P}/resource/labels/x`, { client: c, headers: { 'x-csrf-token': c.csrf! } })).status, 200);
    await t.c.db.query("INSERT INTO permissions (action, role, verb, path) VALUES ('DROP', 'member', 'DELETE', 'api/v2/auth/resource/labels')");
    await t.c.policy.changed('permissions');
    await until(async () => (await gate('DELETE', `${P}/resource/labels/x`, { client: c, headers: { 'x-csrf-token': c.csrf! } })).status === 401);
    assert.equal((await gate('GET', `${P}/resource/labels`, { client: c })).status, 200, 'other verbs unaffected');
  });
});

describe('restrictions', () => {
  test('a trailing slash does not get past blocklogin, and the whitelink path stays exempt with one', async () => {
    await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blocklogin', 'ip', '203.0.113.51', 401, 'enabled'), ('blacklist', 'ip', '203.0.113.52', 403, 'enabled')");
    await t.c.policy.changed('restrictions');
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    await until(async () => (await gate('POST', `${P}/identity/sessions`, from('203.0.113.51'))).status === 401);
    for (const path of ['identity/sessions/', 'identity/sessions/auth0/', '/identity/sessions/']) {
      const r = await gate('POST', `${P}/${path}`, from('203.0.113.51'));
      assert.deepEqual([r.status, r.body, r.authorization], [401, { errors: ['authz.restrict.blocklogin'] }, undefined], path);
    }
    assert.equal((await gate('POST', `${P}/identity/users/`, from('203.0.113.51'))).status, 200, 'not a login path');
    await until(async () => (await gate('GET', `${P}/public/ping`, from('203.0.113.52'))).status === 403);
    assert.deepEqual(await gate('POST', `${P}/identity/users/access/`, from('203.0.113.52')).then((r) => [r.status, r.body]), [200, null], 'whitelink path exempt');
    await t.c.db.query("UPDATE restrictions SET state = 'disabled' WHERE value IN ('203.0.113.51', '203.0.113.52')");
    await t.c.policy.changed('restrictions');
  });

  test('maintenance answers its code; the whitelink path and whitelisted IPs pass; blocklogin only hits login', async () => {
    await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blocklogin', 'ip', '203.0.113.50', 423, 'enabled')");
    await t.c.policy.changed('restrictions');
    await until(async () => (await gate('POST', `${P}/identity/sessions`, { headers: { 'x-forwarded-for': '203.0.113.50' } })).status === 423);
    assert.deepEqual((await gate('POST', `${P}/identity/sessions`, { headers: { 'x-forwarded-for': '203.0.113.50' } })).body, { errors: ['authz.restrict.blocklogin'] });
    assert.equal((await gate('POST', `${P}/identity/users`, { headers: { 'x-forwarded-for': '203.0.113.50' } })).status, 200);

    await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blacklist', 'country', 'Japan', 423, 'enabled'), ('whitelist', 'ip', '140.227.60.115', 471, 'enabled')");
    await t.c.policy.changed('restrictions');
    await until(async () => (await gate('GET', `${P}/public/ping`, { headers: { 'x-forwarded-for': '140.227.60.114' } })).status === 423);
    assert.deepEqual((await gate('GET', `${P}/public/ping`, { headers: { 'x-forwarded-for': '140.227.60.114' } })).body, { errors: ['authz.restrict.blacklist'] });
    assert.equal((await gate('GET', `${P}/public/ping`, { headers: { 'x-forwarded-for': '140.227.60.115' } })).status, 200, 'whitelisted');
    assert.equal((await gate('POST', `${P}/identity/users/access`, { headers: { 'x-forwarded-for': '140.227.60.114' } })).status, 200, 'whitelink path exempt');
    await t.c.db.query("UPDATE restrictions SET state = 'disabled' WHERE category IN ('blacklist', 'blocklogin') AND value IN ('Japan', '203.0.113.50')");
    await t.c.policy.changed('restrictions');
    await until(async () => (await gate('GET', `${P}/public/ping`, { headers: { 'x-forwarded-for': '140.227.60.114' } })).status === 200);
  });
});

describe('API-key mode', () => {
  async function keyed(otp = true) {
    const c = await activeUser(t);
    const uid = (await c.get('/resource/users/me')).body.uid;
    const [{ id }] = await t.c.db.query<{ id: number }>('UPDATE users SET otp = $2 WHERE uid = $1 RETURNING id', [uid, otp]);
    t.c.users.invalidate(uid);
    const key = await t.c.apiKeys.create({ type: 'User', id: Number(id), state: 'active' }, { algorithm: 'HS256' });
    return { uid, key };
  }
  const signed = (kid: string, secret: string, nonce = String(t.clock.now())) =>
    ({ 'x-auth-apikey': kid, 'x-auth-nonce': nonce, 'x-auth-signature': apiKeySignature(secret, nonce, kid, 'HS256') });

  test('a signed request gets a JWT for the key holder; a replayed nonce is refused', async () => {
    const { uid, key } = await keyed();
    const headers = signed(key.kid, key.secret);
    const r = await gate('POST', `${P}/resource/users/me`, { headers });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await jwtClaims(r.authorization!)).uid, uid);
    assert.deepEqual((await gate('POST', `${P}/resource/users/me`, { headers })).body, { errors: ['authz.nonce_reused'] });
  });

  test('header, key, nonce, signature and 2FA failures, in Barong order', async () => {
    const { key } = await keyed();
    const h = signed(key.kid, key.secret);
    assert.deepEqual(await gate('GET', `${P}/resource/users/me`, { headers: { 'x-auth-apikey': key.kid } }).then((r) => [r.status, r.body]), [422, { errors: ['authz.invalid_api_key_headers'] }]);
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: { ...h, 'x-auth-apikey': 'ffffffffffffffff' } })).body, { errors: ['authz.unexistent_apikey'] });
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: { ...h, 'x-auth-nonce': 'abc' } })).body, { errors: ['authz.nonce_not_valid_timestamp'] });
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: signed(key.kid, key.secret, String(t.clock.now() - 6000)) })).body, { errors: ['authz.nonce_expired'] });
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: { ...h, 'x-auth-signature': '0'.repeat(64) } })).body, { errors: ['authz.invalid_signature'] });
    const noOtp = await keyed(false);
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: signed(noOtp.key.kid, noOtp.key.secret) })).body, { errors: ['authz.disabled_2fa'] });
    await t.c.apiKeys.setState(key.kid, 'inactive');
    assert.deepEqual((await gate('GET', `${P}/resource/users/me`, { headers: signed(key.kid, key.secret) })).body, { errors: ['authz.apikey_not_active'] });
  });
});

describe('without a gateway in front, resource routes use the same decision code', () => {
  test('API-key headers authenticate a resource call directly; a replay is refused', async () => {
    const c = await activeUser(t);
    const uid = (await c.get('/resource/users/me')).body.uid as string;
    const [{ id }] = await t.c.db.query<{ id: number }>('UPDATE users SET otp = true WHERE uid = $1 RETURNING id', [uid]);
    t.c.users.invalidate(uid);
    const key = await t.c.apiKeys.create({ type: 'User', id: Number(id), state: 'active' }, { algorithm: 'HS512' });
    const nonce = String(t.clock.now());
    const headers = { 'x-auth-apikey': key.kid, 'x-auth-nonce': nonce, 'x-auth-signature': apiKeySignature(key.secret, nonce, key.kid, 'HS512') };
    const direct = new Client(t);
    const r = await direct.call('GET', '/resource/users/me', { headers });
    assert.deepEqual([r.status, r.body.uid], [200, uid]);
    assert.deepEqual((await direct.call('GET', '/resource/users/me', { headers })).body, { errors: ['authz.nonce_reused'] });
  });

  test('a DROP permission on a resource path also refuses the cookie call made directly', async () => {
    const c = await activeUser(t);
    assert.equal((await c.get('/resource/users/activity/all')).status, 200);
    await t.c.db.query("INSERT INTO permissions (action, role, verb, path) VALUES ('DROP', 'member', 'GET', 'api/v2/auth/resource/users/activity')");
    await t.c.policy.changed('permissions');
    await until(async () => (await c.get('/resource/users/activity/all')).status === 401);
    assert.deepEqual((await c.get('/resource/users/activity/all')).body, { errors: ['authz.invalid_permission'] });
    assert.equal((await c.get('/resource/users/me')).status, 200);
  });
});

test('the common path runs no database query', async () => {
  const c = await activeUser(t);
  const { key, uid } = await (async () => {
    const u = (await c.get('/resource/users/me')).body.uid as string;
    const [{ id }] = await t.c.db.query<{ id: number }>('UPDATE users SET otp = true WHERE uid = $1 RETURNING id', [u]);
    t.c.users.invalidate(u);
    return { key: await t.c.apiKeys.create({ type: 'User', id: Number(id), state: 'active' }, { algorithm: 'HS256' }), uid: u };
  })();
  void uid;
  let n = 0;
  const apiHeaders = () => { const nonce = String(t.clock.now() + n++); return { 'x-auth-apikey': key.kid, 'x-auth-nonce': nonce, 'x-auth-signature': apiKeySignature(key.secret, nonce, key.kid, 'HS256') }; };
  await t.c.mailer.stop(); // its polling would count
  // warm the caches
  assert.equal((await gate('GET', `${P}/resource/users/me`, { client: c })).status, 200);
  assert.equal((await gate('GET', `${P}/resource/users/me`, { headers: apiHeaders() })).status, 200);
  const before = t.c.db.queryCount;
  for (let i = 0; i < 50; i++) {
    assert.equal((await gate('GET', `${P}/resource/users/me`, { client: c })).status, 200);
    assert.equal((await gate('GET', `${P}/resource/users/me`, { headers: apiHeaders() })).status, 200);
    assert.equal((await gate('GET', `${P}/public/ping`)).status, 200);
  }
  assert.equal(t.c.db.queryCount - before, 0, 'no PostgreSQL query on the common path');
});
