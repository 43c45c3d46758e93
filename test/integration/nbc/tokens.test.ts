import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';
import { NbcClient, PASSWORD, activities, claimsOf, lastActivityId, mailAfter, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

async function signedIn(): Promise<{ email: string; userId: number; c: NbcClient }> {
  const email = uniqueEmail('tok');
  await activeUser(t, email);
  const c = new NbcClient(t);
  assert.equal((await c.signIn(email)).status, 200);
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { email, userId: Number(id), c };
}

/** Barong's resource API with a bearer (or bare) NBC access token. */
const me = (token: string, bare = false) =>
  t.app.inject({ method: 'GET', url: `${t.prefix}/resource/users/me`, headers: { authorization: bare ? token : `Bearer ${token}` } });

describe('/auth/token/check', () => {
  test('GET and POST: the claims of a valid token, by Bearer, bare Authorization or body', async () => {
    const { email, c } = await signedIn();
    const byBearer = await c.get('/auth/token/check');
    assert.equal(byBearer.status, 200);
    assert.equal(byBearer.body.email, email);
    assert.deepEqual(byBearer.body, claimsOf(c.accessToken!));
    assert.equal((await c.get('/auth/token/check', { bare: true })).body.sid, claimsOf(c.accessToken!).sid);
    assert.equal((await c.post('//auth/token/check', { token: c.accessToken }, { token: null })).body.email, email);
  });

  test('401 without a token, with garbage, a tampered or an expired token', async () => {
    const { c } = await signedIn();
    assert.deepEqual(problems(await c.get('/auth/token/check', { token: null })), [401, [['token_required', null]]]);
    assert.deepEqual(problems(await c.get('/auth/token/check', { token: 'garbage' })), [401, [['invalid_token', null]]]);
    const [h, p, s] = c.accessToken!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(c.accessToken!), role: 'superadmin' })).toString('base64url');
    assert.deepEqual(problems(await c.get('/auth/token/check', { token: `${h}.${forged}.${s}` })), [401, [['invalid_token', null]]]);
    void p;
    t.clock.advance(t.c.config.NBC_ACCESS_TOKEN_LIFETIME);
    assert.deepEqual(problems(await c.get('/auth/token/check')), [401, [['invalid_token', null]]]);
  });

  test('a gateway JWT (no sid) is not an access token of this door', async () => {
    const { c } = await signedIn();
    const { sid: _sid, ...rest } = claimsOf(c.accessToken!);
    const { JwtIssuer } = await import('../../../src/domain/authz/jwt-issuer.js');
    const gatewayJwt = new JwtIssuer(t.c.keys, 60, t.clock.now).issue({ uid: rest.uid, email: rest.email, role: 'member', level: 1, state: 'active' });
    assert.deepEqual(problems(await c.get('/auth/token/check', { token: gatewayJwt })), [401, [['invalid_token', null]]]);
  });
});

describe('/auth/token/refresh', () => {
  test('rotates: cookie, X-Refresh-Token or body; each refresh token works once; the new access token is valid', async () => {
    const { c } = await signedIn();
    const sid = claimsOf(c.accessToken!).sid;
    const first = c.refreshCookie!;
    const byCookie = await c.post('/auth/token/refresh');
    assert.equal(byCookie.status, 200);
    assert.equal(typeof byCookie.body, 'string');
    assert.notEqual(c.refreshCookie, first);
    assert.equal(byCookie.headers['x-refresh-token'], c.refreshCookie);
    assert.equal(claimsOf(byCookie.body).sid, sid, 'same session');
    const second = c.refreshCookie!;
    const byHeader = await new NbcClient(t).post('//auth/token/refresh', undefined, { headers: { 'x-refresh-token': second } });
    assert.equal(byHeader.status, 200);
    const third = String(byHeader.headers['x-refresh-token']);
    const byBody = await new NbcClient(t).post('/auth/token/refresh', { refreshToken: third });
    assert.equal(byBody.status, 200);
    assert.equal((await new NbcClient(t).get('/auth/token/check', { token: byBody.body })).status, 200);
    const rows = await t.c.db.query<{ token_hash: string; rotated_at: Date | null }>('SELECT token_hash, rotated_at FROM refresh_tokens WHERE family_id = $1 ORDER BY id', [sid]);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.map((r) => r.rotated_at !== null), [true, true, true, false]);
    for (const r of rows) assert.ok(![first, second, third].includes(r.token_hash), 'stored hashed');
  });

  test('reuse of a rotated token revokes the whole family and is recorded as an activity', async () => {
    const { c, userId } = await signedIn();
    const stolen = c.refreshCookie!;
    assert.equal((await c.post('/auth/token/refresh')).status, 200);
    const legit = c.refreshCookie!;
    const access = c.accessToken!;
    const since = await lastActivityId(t, userId);
    const thief = await new NbcClient(t).post('/auth/token/refresh', { refreshToken: stolen });
    assert.deepEqual(problems(thief), [401, [['refresh_token_reused', 'refreshToken']]]);
    assert.deepEqual(await activities(t, userId, since), ['session/refresh token reuse/failed']);
    assert.deepEqual(problems(await new NbcClient(t).post('/auth/token/refresh', { refreshToken: legit })), [401, [['invalid_refresh_token', 'refreshToken']]], 'the family is dead');
    assert.equal((await c.get('/auth/token/check', { token: access })).status, 401, 'and its access tokens');
    const [fam] = await t.c.db.query<{ revoke_reason: string }>('SELECT revoke_reason FROM refresh_token_families WHERE id = $1', [claimsOf(access).sid]);
    assert.equal(fam.revoke_reason, 'reuse');
  });

  test('missing, unknown, malformed or expired refresh tokens → 401', async () => {
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/token/refresh')), [401, [['refresh_token_required', 'refreshToken']]]);
    assert.deepEqual(problems(await c.post('/auth/token/refresh', { refreshToken: 'A'.repeat(43) })), [401, [['invalid_refresh_token', 'refreshToken']]]);
    assert.deepEqual(problems(await c.post('/auth/token/refresh', { refreshToken: 'short' })), [401, [['invalid_refresh_token', 'refreshToken']]]);
    assert.deepEqual(problems(await c.post('/auth/token/refresh', { refreshToken: 42 })), [400, [['invalid_type', 'refreshToken']]]);
    const { c: user } = await signedIn();
    t.clock.advance(t.c.config.NBC_REFRESH_TOKEN_LIFETIME + 1);
    assert.deepEqual(problems(await user.post('/auth/token/refresh')), [401, [['invalid_refresh_token', 'refreshToken']]]);
  });

  test('a password changed on another door (Barong reset) ends the families', async () => {
    const { email, c } = await signedIn();
    const barong = new Client(t);
    const mail = await mailAfter(t, email, /Reset your password/, () => barong.post('/identity/users/password/generate_code', { email }));
    const reset = await barong.post('/identity/users/password/confirm_code', { reset_password_token: tokenFrom(mail), password: `${PASSWORD}Z9`, confirm_password: `${PASSWORD}Z9` });
    assert.equal(reset.status, 201, JSON.stringify(reset.body));
    assert.equal((await c.get('/auth/token/check')).status, 401);
    assert.deepEqual(problems(await c.post('/auth/token/refresh')), [401, [['invalid_refresh_token', 'refreshToken']]]);
  });
});

describe('/auth/log-out', () => {
  test('ends the session: refresh and access tokens stop working here and on the resource API; the cookie is cleared', async () => {
    const { c, userId } = await signedIn();
    const access = c.accessToken!;
    const refresh = c.refreshCookie!;
    assert.equal((await me(access)).statusCode, 200);
    const since = await lastActivityId(t, userId);
    const out = await c.post('/auth/log-out');
    assert.equal(out.status, 204);
    assert.match(([] as string[]).concat(out.headers['set-cookie'] as string[]).join(), /refresh_token=;/);
    assert.deepEqual(await activities(t, userId, since), ['session/logout/succeed']);
    assert.equal((await c.get('/auth/token/check', { token: access })).status, 401);
    assert.deepEqual(problems(await new NbcClient(t).post('/auth/token/refresh', { refreshToken: refresh })), [401, [['invalid_refresh_token', 'refreshToken']]]);
    const refused = await me(access);
    assert.deepEqual([refused.statusCode, refused.json()], [401, { errors: ['jwt.decode_and_verify'] }]);
  });

  test('by refresh token alone (expired access token), only that device; twice is harmless', async () => {
    const { email, c } = await signedIn();
    const other = new NbcClient(t);
    await other.signIn(email);
    t.clock.advance(t.c.config.NBC_ACCESS_TOKEN_LIFETIME + 1);
    assert.equal((await c.post('//auth/log-out')).status, 204, 'expired access token + cookie');
    assert.equal((await c.post('/auth/log-out', { refreshToken: 'A'.repeat(43) }, { token: null })).status, 204);
    assert.equal((await other.post('/auth/token/refresh')).status, 200, 'the other device still works');
    assert.deepEqual(problems(await new NbcClient(t).post('/auth/log-out')), [401, [['token_required', null]]]);
  });
});

describe('access tokens on the Barong resource API', () => {
  test('accepted as Authorization: Bearer <t> and as a bare Authorization: <t>', async () => {
    const { email, c } = await signedIn();
    for (const bare of [false, true]) {
      const r = await me(c.accessToken!, bare);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().email, email);
    }
  });

  test('refused once the user is banned, even with a live session', async () => {
    const { c, userId } = await signedIn();
    const { usersRepo } = await import('../../../src/db/repositories/users.js');
    await t.c.identity.labels.setPrivate(t.c.db, (await usersRepo.byId(t.c.db, userId))!, 'ban', 'yes');
    assert.equal((await me(c.accessToken!)).statusCode, 401);
    assert.equal((await c.get('/auth/token/check')).status, 401);
  });
});
