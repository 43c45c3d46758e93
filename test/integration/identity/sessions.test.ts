import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, activeUser, uniqueEmail } from '../../helpers/client.js';
import { useEmailCodes } from '../nbc/nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const FULL_INFO_KEYS = ['email', 'uid', 'role', 'level', 'otp', 'state', 'referral_uid', 'csrf_token', 'data', 'username', 'labels', 'phones', 'profiles', 'data_storages', 'created_at', 'updated_at'];
const WRONG_PASSWORD = 'Wrong-Pass-9x';

interface ActivityRow { topic: string; action: string; result: string; data: string | null; user_ip: string; user_agent: string }

async function activitiesOf(app: TestApp, email: string): Promise<ActivityRow[]> {
  return app.c.db.query<ActivityRow>(
    `SELECT a.topic, a.action, a.result, a.data, a.user_ip, a.user_agent FROM activities a JOIN users u ON u.id = a.user_id
     WHERE u.email = $1 ORDER BY a.id`, [email]);
}

/** The session activities (sign-up's `account` row left out). */
async function sessionActivities(app: TestApp, email: string) {
  return (await activitiesOf(app, email)).filter((a) => a.topic === 'session').map((a) => ({ action: a.action, result: a.result, data: a.data }));
}

async function countAllActivities(app: TestApp): Promise<number> {
  const [{ n }] = await app.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities');
  return n;
}

async function setUser(email: string, column: 'state' | 'otp', value: string | boolean) {
  await t.c.db.query(`UPDATE users SET ${column} = $1 WHERE email = $2`, [value, email]);
}

/** A pending user (signed up, not confirmed): enough to log in. */
async function pendingUser(app: TestApp, email = uniqueEmail()): Promise<string> {
  const r = await new Client(app).signup(email);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return email;
}

const reason = (r: string) => JSON.stringify({ reason: r });

describe('POST /identity/sessions (login)', () => {
  test('200 with UserWithFullInfo, csrf token, a fresh session cookie, activity, event and the new-login mail', async () => {
    const email = uniqueEmail();
    const signedUp = await activeUser(t, email);
    const client = new Client(t);
    client.ip = '203.0.113.7';
    const res = await client.login(email);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), [...FULL_INFO_KEYS].sort());
    assert.equal(res.body.email, email);
    assert.equal(res.body.state, 'active');
    assert.equal(res.body.level, 1);
    assert.equal(res.body.role, 'member');
    assert.equal(res.body.otp, false);
    assert.match(res.body.uid, /^ID[0-9A-F]{10}$/);
    assert.match(res.body.csrf_token, /^[0-9a-f]{20}$/);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('_barong_session='));
    assert.ok(cookie, 'session cookie set');
    assert.match(cookie, /^_barong_session=[0-9a-f]{32}; Max-Age=86400; Path=\/; HttpOnly/);
    assert.notEqual(client.cookie, signedUp.cookie);

    // the session works
    const me = await client.get('/resource/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);

    const acts = await activitiesOf(t, email);
    const login = acts.filter((a) => a.topic === 'session');
    assert.deepEqual(login, [{ topic: 'session', action: 'login', result: 'succeed', data: null, user_ip: '203.0.113.7', user_agent: UA }]);

    const events = await t.c.db.query<{ payload: { name: string; record: { user: { email: string; uid: string }; user_ip: string; user_agent: string } } }>(
      `SELECT payload FROM outbox WHERE name = 'system.session.create' AND payload->'record'->'user'->>'email' = $1`, [email]);
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.name, 'system.session.create');
    assert.equal(events[0].payload.record.user.uid, res.body.uid);
    assert.equal(events[0].payload.record.user_ip, '203.0.113.7');
    assert.equal(events[0].payload.record.user_agent, UA);

    const mail = await t.smtp.waitFor(email, /New login/);
    assert.ok(mail.text.includes('203.0.113.7'), 'mail names the IP');
    assert.ok(mail.text.includes(UA), 'mail names the user agent');
  });

  test('login rotates the session id: the cookie differs from the sign-up one', async () => {
    const email = uniqueEmail();
    const client = new Client(t);
    assert.equal((await client.signup(email)).status, 201);
    const signupCookie = client.cookie;
    assert.match(signupCookie ?? '', /^[0-9a-f]{32}$/);
    const res = await client.login(email); // sends the sign-up cookie along
    assert.equal(res.status, 200);
    assert.match(client.cookie ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(client.cookie, signupCookie);
    assert.equal((await client.get('/resource/users/me')).status, 200);
  });

  test('pending users can log in', async () => {
    const email = await pendingUser(t);
    const res = await new Client(t).login(email);
    assert.equal(res.status, 200);
    assert.equal(res.body.state, 'pending');
    assert.equal(res.body.level, 0);
    assert.deepEqual(await sessionActivities(t, email), [{ action: 'login', result: 'succeed', data: null }]);
  });

  test('missing params: Barong keys; a blank email is allowed and just does not match', async () => {
    const c = new Client(t);
    let r = await c.post('/identity/sessions', {});
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.session.missing_email', 'identity.session.missing_password'] }]);
    r = await c.post('/identity/sessions', { password: STRONG_PASSWORD });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.session.missing_email'] }]);
    r = await c.post('/identity/sessions', { email: uniqueEmail() });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.session.missing_password'] }]);
    r = await c.post('/identity/sessions', { email: '', password: STRONG_PASSWORD });
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }]);
    r = await c.post('/identity/sessions', { email: null, password: null });
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }], 'JSON nulls are present but match nothing');
    assert.equal(c.cookie, undefined, 'no session on failure');
  });

  test('unknown email → 401 invalid_params and no activity', async () => {
    const before = await countAllActivities(t);
    const c = new Client(t);
    const r = await c.login(uniqueEmail('nobody'));
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }]);
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal(await countAllActivities(t), before);
  });

  test('wrong password → 401 invalid_params and a failed login activity', async () => {
    const email = await pendingUser(t);
    const c = new Client(t);
    const r = await c.login(email, WRONG_PASSWORD);
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }]);
    assert.equal(c.cookie, undefined);
    const acts = (await activitiesOf(t, email)).filter((a) => a.topic === 'session');
    assert.deepEqual(acts, [{ topic: 'session', action: 'login', result: 'failed', data: reason('Invalid Email or Password'), user_ip: '127.0.0.1', user_agent: UA }]);
    const [{ n }] = await t.c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE name = 'system.session.create' AND payload->'record'->'user'->>'email' = $1`, [email]);
    assert.equal(n, 0, 'no session event');
  });

  for (const [state, key, why] of [
    ['banned', 'identity.session.banned', 'Your account is banned'],
    ['deleted', 'identity.session.deleted', 'Your account is deleted'],
    ['locked', 'identity.session.not_active', 'Your account is not active'],
  ] as const) {
    test(`${state} user: the right password → 401 ${key}; a wrong one → invalid_params (fix #3)`, async () => {
      const email = uniqueEmail();
      await activeUser(t, email);
      await setUser(email, 'state', state);
      const c = new Client(t);
      let r = await c.login(email, WRONG_PASSWORD);
      assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }], 'the state is not revealed without the password');
      r = await c.login(email);
      assert.deepEqual([r.status, r.body], [401, { errors: [key] }]);
      assert.equal(c.cookie, undefined, 'no session');
      assert.deepEqual(await sessionActivities(t, email), [
        { action: 'login', result: 'failed', data: reason('Invalid Email or Password') },
        { action: 'login', result: 'failed', data: reason(why) },
      ]);
    });
  }

  test('2FA on: no otp_code → 401 missing_otp (no activity); a wrong code → 403 invalid_otp with a login::2fa failure', async () => {
    const email = await pendingUser(t);
    await setUser(email, 'otp', true);
    const c = new Client(t);
    let r = await c.login(email);
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.missing_otp'] }]);
    r = await c.login(email, STRONG_PASSWORD, { otp_code: '  ' });
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.missing_otp'] }]);
    assert.deepEqual(await sessionActivities(t, email), []);
    r = await c.login(email, STRONG_PASSWORD, { otp_code: '123456' });
    assert.deepEqual([r.status, r.body], [403, { errors: ['identity.session.invalid_otp'] }]);
    assert.equal(c.cookie, undefined);
    assert.deepEqual(await sessionActivities(t, email), [{ action: 'login::2fa', result: 'failed', data: reason('OTP code is invalid') }]);
    // the password is still checked before the second factor
    r = await c.login(email, WRONG_PASSWORD, { otp_code: '123456' });
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }]);
  });

  test('email codes chosen on the NBC door: no otp_code → 401 missing_otp; the mailed code logs in once; wrong or expired → 403 invalid_otp', async () => {
    const email = uniqueEmail('mail2fa');
    await activeUser(t, email);
    const { mailedCode } = await useEmailCodes(t, email);
    const c = new Client(t);
    let r = await c.login(email);
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.missing_otp'] }]);
    r = await c.login(email, STRONG_PASSWORD, { otp_code: ' ' });
    assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.missing_otp'] }]);
    const code = await mailedCode();
    r = await c.login(email, STRONG_PASSWORD, { otp_code: code === '000000' ? '111111' : '000000' });
    assert.deepEqual([r.status, r.body], [403, { errors: ['identity.session.invalid_otp'] }]);
    assert.equal(c.cookie, undefined);
    r = await c.login(email, STRONG_PASSWORD, { otp_code: code });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(c.cookie);
    r = await new Client(t).login(email, STRONG_PASSWORD, { otp_code: code });
    assert.deepEqual([r.status, r.body], [403, { errors: ['identity.session.invalid_otp'] }], 'single use');
    const stale = await mailedCode();
    t.clock.advance(t.c.config.EMAIL_CODE_LIFETIME + 1);
    r = await new Client(t).login(email, STRONG_PASSWORD, { otp_code: stale });
    assert.deepEqual([r.status, r.body], [403, { errors: ['identity.session.invalid_otp'] }], 'expired');
    assert.deepEqual((await sessionActivities(t, email)).slice(-4).map((a) => `${a.action}/${a.result}`),
      ['login::2fa/failed', 'login::2fa/succeed', 'login::2fa/failed', 'login::2fa/failed']);
  });

  test('captcha_response of a wrong type → 422 invalid_captcha_format; a string or an object is accepted', async () => {
    const email = await pendingUser(t);
    for (const bad of [5, ['x'], [], true]) {
      const c = new Client(t);
      const r = await c.login(email, STRONG_PASSWORD, { captcha_response: bad });
      assert.deepEqual([r.status, r.body], [422, { errors: ['identity.session.invalid_captcha_format'] }], `captcha_response ${JSON.stringify(bad)}`);
      assert.equal(c.cookie, undefined);
    }
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD, { captcha_response: 'anything' })).status, 200);
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD, { captcha_response: { a: 'b' } })).status, 200);
  });
});

describe('DELETE /identity/sessions (logout)', () => {
  test('200, clears the cookie, ends the session and records the logout', async () => {
    const email = uniqueEmail();
    await pendingUser(t, email);
    const client = new Client(t);
    assert.equal((await client.login(email)).status, 200);
    const oldCookie = client.cookie;
    assert.equal((await client.get('/resource/users/me')).status, 200);

    const r = await client.del('/identity/sessions');
    assert.equal(r.status, 200);
    const setCookie = ([] as string[]).concat(r.headers['set-cookie'] as string[] ?? []).find((c) => c.startsWith('_barong_session='));
    assert.ok(setCookie, 'a Set-Cookie for the session cookie');
    assert.match(setCookie, /^_barong_session=;/);
    assert.match(setCookie, /Expires=Thu, 01 Jan 1970 00:00:00 GMT|Max-Age=0/);
    assert.match(setCookie, /Path=\//);
    assert.equal(client.cookie, undefined);

    const stale = new Client(t);
    stale.cookie = oldCookie;
    const me = await stale.get('/resource/users/me');
    assert.deepEqual([me.status, me.body], [401, { errors: ['authz.invalid_session'] }]);
    const again = await stale.del('/identity/sessions');
    assert.deepEqual([again.status, again.body], [404, { errors: ['identity.session.not_found'] }]);

    assert.deepEqual(await sessionActivities(t, email), [
      { action: 'login', result: 'succeed', data: null },
      { action: 'logout', result: 'succeed', data: null },
    ]);
  });

  test('logout ends only the current session', async () => {
    const email = await pendingUser(t);
    const a = new Client(t);
    const b = new Client(t);
    assert.equal((await a.login(email)).status, 200);
    assert.equal((await b.login(email)).status, 200);
    assert.equal((await a.del('/identity/sessions')).status, 200);
    assert.equal((await b.get('/resource/users/me')).status, 200);
  });

  test('without a session cookie (or with an unknown one) → 404 not_found', async () => {
    const before = await countAllActivities(t);
    const c = new Client(t);
    let r = await c.del('/identity/sessions');
    assert.deepEqual([r.status, r.body], [404, { errors: ['identity.session.not_found'] }]);
    c.cookie = '0123456789abcdef0123456789abcdef';
    r = await c.del('/identity/sessions');
    assert.deepEqual([r.status, r.body], [404, { errors: ['identity.session.not_found'] }]);
    c.cookie = 'not-a-session-id';
    r = await c.del('/identity/sessions');
    assert.deepEqual([r.status, r.body], [404, { errors: ['identity.session.not_found'] }]);
    assert.equal(await countAllActivities(t), before);
  });
});

describe('login rate limits', () => {
  test('RATE_LIMIT_LOGIN_ACCOUNT: after 3 failures even the right password is refused; a success resets the count', async () => {
    const app = await startTestApp({ RATE_LIMIT_LOGIN_ACCOUNT: '3/900' });
    try {
      const email = await pendingUser(app);
      const c = new Client(app);
      for (let i = 0; i < 3; i++) {
        const r = await c.login(email, WRONG_PASSWORD);
        assert.deepEqual([r.status, r.body], [401, { errors: ['identity.session.invalid_params'] }], `failure ${i + 1}`);
      }
      let r = await c.login(email);
      assert.deepEqual([r.status, r.body], [429, { errors: ['identity.session.too_many_requests'] }]);
      assert.equal(c.cookie, undefined);
      r = await new Client(app).login(email.toUpperCase());
      assert.deepEqual([r.status, r.body], [429, { errors: ['identity.session.too_many_requests'] }], 'the account is counted case-insensitively');
      const succeeded = (await sessionActivities(app, email)).filter((a) => a.result === 'succeed');
      assert.deepEqual(succeeded, [], 'no login happened');

      // other accounts from the same IP are not affected; a success clears the failures
      const other = await pendingUser(app);
      for (let i = 0; i < 2; i++) assert.equal((await c.login(other, WRONG_PASSWORD)).status, 401);
      assert.equal((await c.login(other)).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await c.login(other, WRONG_PASSWORD)).status, 401);
      assert.equal((await new Client(app).login(other)).status, 200, 'only 2 failures since the last success');
    } finally {
      await app.close();
    }
  });

  test('RATE_LIMIT_EXEMPT_IPS: loopback callers skip the per-IP limit by default; "none" limits them too', async () => {
    for (const [exempt, statuses] of [[undefined, [200, 200, 200, 200]], ['none', [200, 200, 429, 429]]] as const) {
      const app = await startTestApp({ RATE_LIMIT_LOGIN_IP: '2/60', ...(exempt ? { RATE_LIMIT_EXEMPT_IPS: exempt } : {}) });
      try {
        const email = await pendingUser(app);
        const c = new Client(app); // no X-Forwarded-For: the caller is 127.0.0.1
        const seen = [];
        for (let i = 0; i < 4; i++) seen.push((await c.login(email)).status);
        assert.deepEqual(seen, statuses, `RATE_LIMIT_EXEMPT_IPS=${exempt ?? '(default)'}`);
      } finally {
        await app.close();
      }
    }
  });

  test('RATE_LIMIT_LOGIN_IP: the 6th login from one IP → 429; another IP still logs in', async () => {
    const app = await startTestApp({ RATE_LIMIT_LOGIN_IP: '5/60' });
    try {
      const email = await pendingUser(app);
      const c = new Client(app);
      c.ip = '198.51.100.10';
      assert.equal((await c.login(email, WRONG_PASSWORD)).status, 401);
      assert.equal((await c.login(uniqueEmail('nobody'))).status, 401);
      for (let i = 0; i < 3; i++) assert.equal((await c.login(email)).status, 200, `login ${i + 3}`);
      const r = await c.login(email);
      assert.deepEqual([r.status, r.body], [429, { errors: ['identity.session.too_many_requests'] }]);

      const other = new Client(app);
      other.ip = '198.51.100.20';
      const ok = await other.login(email);
      assert.equal(ok.status, 200);
      assert.equal(ok.body.email, email);
    } finally {
      await app.close();
    }
  });
});
