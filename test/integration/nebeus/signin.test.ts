import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { createActiveUser } from '../../../src/domain/identity/admin-bootstrap.js';
import { Client, STRONG_PASSWORD, UA } from '../../helpers/client.js';
import { enableOtp } from '../../helpers/otp.js';
import { NebeusClient, SIGNIN_KEYS, activePartner, assertKeys, countryId } from './helpers.js';
import { useEmailCodes } from '../nbc/nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp({ NEBEUS_DB: 'nebeus', NEBEUS_COMPANY_ID: '1', NEBEUS_TZ: 'Europe/Madrid' }); });
after(async () => { await t.close(); });

const BAD = { status: 'error', message: 'Login or password is incorrect' };

/** A user signed up on the Nebeus door (name, surname, country, device language) and confirmed. */
async function nebeusUser(extra: Record<string, unknown> = {}) {
  const email = `nb${Date.now()}${Math.floor(Math.random() * 1e6)}@example.com`;
  const n = new NebeusClient(t);
  const r = await n.call('/signup/1.0/json', {
    login: email, name: 'Igor', surname: 'Petrov', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: await countryId(t, 'ES'), ...extra,
  });
  assert.deepEqual(r.body, [{ id: null, jsonrpc: '2.0', result: { status: 'success' } }]);
  const [row] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { email, id: Number(row.id) };
}

describe('signin: the seed\'s success and error answers', () => {
  test('success: an array with one envelope; exactly the seed\'s result keys; the session cookie', async () => {
    const { email, id } = await nebeusUser({ language: 'es' });
    const n = new NebeusClient(t);
    const r = await n.signin(email);
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body) && r.body.length === 1, JSON.stringify(r.body));
    assertKeys(r.body[0], ['id', 'jsonrpc', 'result'], 'envelope');
    assert.equal(r.body[0].id, null);
    assert.equal(r.body[0].jsonrpc, '2.0');
    const result = r.body[0].result;
    assertKeys(result, SIGNIN_KEYS, 'result');
    assert.equal(result.company_id, 1);
    assert.equal(result.db, 'nebeus');
    assert.match(result.session_id, /^[0-9a-f]{32}$/);
    assert.equal(result.uid, id);
    assert.equal(result.name, 'Igor');
    assert.equal(result.surname, 'Petrov');
    assert.equal(result.username, email);
    assertKeys(result.user_context, ['lang', 'tz', 'uid'], 'user_context');
    assert.deepEqual(result.user_context, { lang: 'es', tz: 'Europe/Madrid', uid: id });
    assert.equal(n.session, result.session_id, 'session_id cookie');
    const cookies = ([] as string[]).concat(r.headers['set-cookie'] as string[]);
    assert.ok(cookies.some((x) => x.startsWith(`session_id=${result.session_id};`) && /HttpOnly/i.test(x) && /SameSite=Lax/i.test(x)));
    assert.ok(cookies.some((x) => x.startsWith(`${t.c.config.SESSION_COOKIE_NAME}=${result.session_id};`)), 'the Barong cookie too');
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  test('bare params and an envelope id give the same answer with the id echoed', async () => {
    const { email, id } = await activePartner(t);
    const bare = await new NebeusClient(t).signin(email, STRONG_PASSWORD, {}, { form: 'bare' });
    assert.equal(bare.body[0].id, null);
    assert.equal(bare.body[0].result.uid, id);
    const withId = await new NebeusClient(t).signin(email, STRONG_PASSWORD, {}, { id: 17 });
    assert.equal(withId.body[0].id, 17);
    assert.notEqual(withId.body[0].result.session_id, bare.body[0].result.session_id, 'a new session each time');
    // an envelope without jsonrpc and method is still an envelope when its params are an object
    const loose = await new NebeusClient(t).raw('POST', '/signin/1.0/json', { payload: JSON.stringify({ params: { login: email, password: STRONG_PASSWORD }, id: 3 }), headers: { 'content-type': 'application/json' } });
    assert.deepEqual([loose.status, loose.body[0].id, loose.body[0].result.uid], [200, 3, id]);
  });

  test('a Barong user without a profile: name and surname are null, defaults for lang and tz', async () => {
    const { email, id } = await activePartner(t);
    const r = await new NebeusClient(t).signin(email);
    assert.equal(r.body[0].result.name, null);
    assert.equal(r.body[0].result.surname, null);
    assert.deepEqual(r.body[0].result.user_context, { lang: 'en_US', tz: 'Europe/Madrid', uid: id });
  });

  test('errors: a bare envelope (no array) with the one message for every bad credential', async () => {
    const { email } = await activePartner(t);
    const n = new NebeusClient(t);
    for (const params of [
      { login: email, password: 'Wrong-Pass1' },
      { login: 'nobody-here@example.com', password: STRONG_PASSWORD },
      { login: email.toUpperCase(), password: 'Wrong-Pass1' },
      { login: email },
      { password: STRONG_PASSWORD },
      { login: '', password: '' },
      {},
    ]) {
      const r = await n.call('/signin/1.0/json', params, { id: 5 });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { id: 5, jsonrpc: '2.0', result: BAD }, JSON.stringify(params));
      assert.equal(r.headers['set-cookie'], undefined, 'no cookie on failure');
    }
  });

  test('the login is the email in any case', async () => {
    const { email } = await activePartner(t);
    const r = await new NebeusClient(t).signin(email.toUpperCase());
    assert.ok(Array.isArray(r.body));
  });

  test('banned, deleted and locked accounts: the state is told only to someone who knows the password', async () => {
    for (const [state, message] of [['banned', 'Your account is banned'], ['deleted', 'Your account is deleted'], ['locked', 'Your account is not active']]) {
      const { email } = await activePartner(t);
      await t.c.db.query('UPDATE users SET state = $1 WHERE email = $2', [state, email]);
      const n = new NebeusClient(t);
      assert.deepEqual((await n.signin(email, 'Wrong-Pass1')).body.result, BAD, state);
      assert.deepEqual((await n.signin(email)).body.result, { status: 'error', message }, state);
    }
  });

  test('a pending user (email not confirmed yet) signs in, as on the Barong door', async () => {
    const { email } = await nebeusUser();
    const r = await new NebeusClient(t).signin(email);
    assert.ok(Array.isArray(r.body), JSON.stringify(r.body));
  });
});

describe('signin with two-factor authentication (otp extension)', () => {
  test('without otp: "Two-factor authentication required"; a wrong one: the credentials message; the right one signs in', async () => {
    const { email, barong } = await activePartner(t);
    const otp = await enableOtp(t, barong);
    const n = new NebeusClient(t);
    assert.deepEqual((await n.signin(email)).body.result, { status: 'error', message: 'Two-factor authentication required' });
    assert.deepEqual((await n.signin(email, STRONG_PASSWORD, { otp: '' })).body.result, { status: 'error', message: 'Two-factor authentication required' });
    assert.deepEqual((await n.signin(email, STRONG_PASSWORD, { otp: '000000' === otp.code() ? '111111' : '000000' })).body.result, BAD);
    assert.deepEqual((await n.signin(email, 'Wrong-Pass1', { otp: otp.code() })).body.result, BAD, 'the password first');
    const ok = await n.signin(email, STRONG_PASSWORD, { otp: otp.code() });
    assert.ok(Array.isArray(ok.body), JSON.stringify(ok.body));
    assertKeys(ok.body[0].result, SIGNIN_KEYS);
  });

  test('email codes chosen on the NBC door: a password alone is "Two-factor authentication required"; the mailed code signs in once', async () => {
    const { email } = await activePartner(t);
    const { mailedCode } = await useEmailCodes(t, email);
    const n = new NebeusClient(t);
    assert.deepEqual((await n.signin(email)).body, { id: null, jsonrpc: '2.0', result: { status: 'error', message: 'Two-factor authentication required' } });
    assert.deepEqual((await n.signin(email, STRONG_PASSWORD, { otp: '' })).body.result, { status: 'error', message: 'Two-factor authentication required' });
    const code = await mailedCode();
    assert.deepEqual((await n.signin(email, STRONG_PASSWORD, { otp: code === '000000' ? '111111' : '000000' })).body.result, BAD);
    assert.equal(n.session, undefined);
    const ok = await n.signin(email, STRONG_PASSWORD, { otp: code });
    assert.ok(Array.isArray(ok.body), JSON.stringify(ok.body));
    assertKeys(ok.body[0].result, SIGNIN_KEYS);
    assert.deepEqual((await new NebeusClient(t).signin(email, STRONG_PASSWORD, { otp: code })).body.result, BAD, 'single use');
  });

  test('a numeric otp and a recovery code are accepted', async () => {
    const { email, barong } = await activePartner(t);
    const otp = await enableOtp(t, barong);
    let code = otp.code();
    while (code.startsWith('0')) code = otp.freshCode(); // a JSON number has no leading zero
    const numeric = await new NebeusClient(t).signin(email, STRONG_PASSWORD, { otp: Number(code) });
    assert.ok(Array.isArray(numeric.body), JSON.stringify(numeric.body));
    const recovery = await new NebeusClient(t).signin(email, STRONG_PASSWORD, { otp: otp.recoveryCodes[0] });
    assert.ok(Array.isArray(recovery.body), JSON.stringify(recovery.body));
  });
});

describe('one session for both doors', () => {
  test('Nebeus sign-in → the Barong API with the same session (cookie), then Nebeus log-out ends it there too', async () => {
    const { email, uid } = await activePartner(t);
    const n = new NebeusClient(t);
    const sid = (await n.signin(email)).body[0].result.session_id as string;
    const barong = new Client(t);
    barong.cookie = sid;
    const me = await barong.get('/resource/users/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.uid, uid);
    await n.call('/logout/1.0/json');
    const after = await barong.get('/resource/users/me');
    assert.equal(after.status, 401);
  });

  test('Barong sign-in → the Nebeus dashboard with the Barong cookie, the session_id cookie or the header', async () => {
    const { email } = await activePartner(t);
    const barong = new Client(t);
    assert.equal((await barong.login(email)).status, 200);
    const sid = barong.cookie!;
    const n = new NebeusClient(t);
    const viaBarongCookie = await n.raw('POST', '/partner/dashboard', { payload: '{}', headers: { cookie: `${t.c.config.SESSION_COOKIE_NAME}=${sid}` } });
    assert.equal(viaBarongCookie.body.verification.address.status, 'not_verified', JSON.stringify(viaBarongCookie.body));
    n.session = sid;
    const viaCookie = await n.call('/partner/dashboard');
    assert.ok('verification' in viaCookie.body);
    const viaHeader = await new NebeusClient(t).call('/partner/dashboard', {}, { headers: { 'x-openerp-session-id': sid } });
    assert.ok('verification' in viaHeader.body);
    // The Nebeus log-out ends the Barong session.
    await new NebeusClient(t).call('/logout/1.0/json', {}, { headers: { 'x-openerp-session-id': sid } });
    assert.equal((await barong.get('/resource/users/me')).status, 401);
  });

  test('the session is bound to the User-Agent, as on the Barong door', async () => {
    const { email } = await activePartner(t);
    const n = new NebeusClient(t);
    await n.signin(email);
    n.ua = `${UA} other`;
    const r = await n.call('/partner/dashboard');
    assert.deepEqual(r.body, { id: null, jsonrpc: '2.0', result: { status: 'error', message: 'Session expired' } });
  });

  test('signing in writes the same activity as the Barong door', async () => {
    const { email, id } = await activePartner(t);
    await new NebeusClient(t).signin(email);
    const rows = await t.c.db.query<{ action: string; result: string }>("SELECT action, result FROM activities WHERE user_id = $1 AND topic = 'session' ORDER BY id", [id]);
    assert.ok(rows.some((r) => r.action === 'login' && r.result === 'succeed'));
  });
});

describe('rate limits: those of the Barong login', () => {
  test('RATE_LIMIT_LOGIN_ACCOUNT: after the allowed failures even the right password is refused', async () => {
    const app = await startTestApp({ RATE_LIMIT_LOGIN_ACCOUNT: '3/900' });
    try {
      const { email } = await activePartner(app);
      const n = new NebeusClient(app);
      for (let i = 0; i < 3; i += 1) assert.deepEqual((await n.signin(email, 'Wrong-Pass1')).body.result, BAD);
      assert.deepEqual((await n.signin(email)).body.result, { status: 'error', message: 'Too many attempts, try again later' });
      // Shared with the Barong door: it refuses too.
      assert.equal((await new Client(app).login(email)).status, 429);
    } finally {
      await app.close();
    }
  });

  test('RATE_LIMIT_LOGIN_IP counts Nebeus and Barong attempts together', async () => {
    const app = await startTestApp({ RATE_LIMIT_LOGIN_IP: '3/60', RATE_LIMIT_EXEMPT_IPS: 'none' }); // the test client is on loopback
    try {
      const { email } = await activePartner(app);
      const n = new NebeusClient(app);
      assert.ok(Array.isArray((await n.signin(email)).body));
      assert.equal((await new Client(app).login(email)).status, 200);
      assert.ok(Array.isArray((await n.signin(email)).body));
      assert.deepEqual((await n.signin(email)).body.result, { status: 'error', message: 'Too many attempts, try again later' });
    } finally {
      await app.close();
    }
  });
});

describe('captcha, when the Barong endpoints are protected', () => {
  test('signin, signup and reset_password need captcha_response like session_create, user_create, password_reset', async () => {
    const siteverify = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const ok = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('response') === 'good';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: ok }));
      });
    });
    await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve));
    const port = (siteverify.address() as { port: number }).port;
    const app = await startTestApp({ CAPTCHA_PROVIDER: 'recaptcha', CAPTCHA_SECRET: 's', CAPTCHA_SITE_KEY: 'site', CAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/siteverify` });
    try {
      // The Barong sign-up needs a captcha too: the user is made directly.
      const user = 'captcha-user@example.com';
      await createActiveUser(app.c.identity, { email: user, password: STRONG_PASSWORD, role: 'member' });
      const n = new NebeusClient(app);
      assert.deepEqual((await n.signin(user)).body.result, { status: 'error', message: 'Captcha is required' });
      assert.deepEqual((await n.signin(user, STRONG_PASSWORD, { captcha_response: 'bad' })).body.result, { status: 'error', message: 'Captcha verification failed' });
      assert.deepEqual((await n.signin(user, STRONG_PASSWORD, { captcha_response: ['x'] })).body.result, { status: 'error', message: 'Captcha verification failed' });
      assert.ok(Array.isArray((await n.signin(user, STRONG_PASSWORD, { captcha_response: 'good' })).body));
      assert.deepEqual((await n.call('/reset_password/1.0/json', { login: user })).body[0].result, { status: 'error', message: 'Captcha is required' });
      assert.deepEqual((await n.call('/reset_password/1.0/json', { login: user, captcha_response: 'good' })).body[0].result, { status: 'success' });
      const signup = { login: 'captcha-new@example.com', name: 'A', surname: 'B', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: await countryId(app, 'ES') };
      // the seed's signup failure names fields: the captcha is one
      assert.deepEqual((await n.call('/signup/1.0/json', signup)).body[0].result,
        { status: 'error', errors: { captcha_response: { field: 'captcha_response', message: 'Captcha is required' } } });
      assert.deepEqual((await n.call('/signup/1.0/json', { ...signup, captcha_response: 'bad' })).body[0].result,
        { status: 'error', errors: { captcha_response: { field: 'captcha_response', message: 'Captcha verification failed' } } });
      assert.deepEqual((await n.call('/signup/1.0/json', { ...signup, captcha_response: 'good' })).body[0].result, { status: 'success' });
    } finally {
      await app.close();
      siteverify.close();
    }
  });
});
