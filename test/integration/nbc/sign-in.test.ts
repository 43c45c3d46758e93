import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, uniqueEmail } from '../../helpers/client.js';
import { createActiveUser } from '../../../src/domain/identity/admin-bootstrap.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { enableOtp } from '../../helpers/otp.js';
import { NbcClient, PASSWORD, activities, claimsOf, codeOf, lastActivityId, mailAfter, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

async function barongUser(): Promise<{ email: string; userId: number }> {
  const email = uniqueEmail('signin');
  await activeUser(t, email);
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { email, userId: Number(id) };
}

describe('POST /auth/sign-in (seed 003 contract)', () => {
  test('200 with the access token as a JSON string; refresh token in a HttpOnly Secure SameSite=Strict cookie and X-Refresh-Token', async () => {
    const { email } = await barongUser();
    const c = new NbcClient(t);
    const r = await c.signIn(email);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(typeof r.body, 'string');
    assert.match(r.body, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const cookie = ([] as string[]).concat(r.headers['set-cookie'] as string[]).find((s) => s.startsWith('refresh_token='))!;
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\//);
    assert.equal(r.headers['x-refresh-token'], c.refreshCookie);
    assert.match(String(r.headers['x-refresh-token']), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  test('the access token: Warden-signed JWT with the gateway claims plus sid, short lifetime', async () => {
    const { email } = await barongUser();
    const c = new NbcClient(t);
    await c.signIn(email);
    const claims = claimsOf(c.accessToken!);
    const [{ uid }] = await t.c.db.query<{ uid: string }>('SELECT uid FROM users WHERE email = $1', [email]);
    for (const k of ['iat', 'exp', 'sub', 'iss', 'aud', 'jti', 'uid', 'email', 'role', 'level', 'state', 'referral_id', 'sid']) assert.ok(k in claims, k);
    assert.deepEqual([claims.uid, claims.email, claims.role, claims.state, claims.level, claims.sub, claims.iss], [uid, email, 'member', 'active', 1, 'session', 'barong']);
    assert.equal(Number(claims.exp) - Number(claims.iat), t.c.config.NBC_ACCESS_TOKEN_LIFETIME);
    assert.match(String(claims.sid), /^[0-9a-f]{32}$/);
    const header = JSON.parse(Buffer.from(c.accessToken!.split('.')[0], 'base64url').toString());
    assert.equal(header.kid, t.c.keys.kid);
  });

  test('a doubled leading slash works (POST //auth/sign-in), as the seed shows it', async () => {
    const { email } = await barongUser();
    const r = await new NbcClient(t).post('//auth/sign-in', { email, password: PASSWORD });
    assert.equal(r.status, 200);
    assert.equal(typeof r.body, 'string');
  });

  test('unknown email → 404; wrong password → 400; both in the door dialect', async () => {
    const { email } = await barongUser();
    const c = new NbcClient(t);
    const unknown = await c.post('/auth/sign-in', { email: uniqueEmail('nobody'), password: PASSWORD });
    assert.deepEqual(problems(unknown), [404, [['user_not_found', 'email']]]);
    assert.deepEqual(Object.keys(unknown.body), ['statusCode', 'message', 'errors']);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: `${PASSWORD}x` })), [400, [['invalid_credentials', 'password']]]);
    assert.deepEqual(problems(await c.post('//auth/sign-in', { email, password: 'wrong-password' })), [400, [['invalid_credentials', 'password']]]);
  });

  test('bad input is 400, never 500: missing fields, short password, wrong types, non-object and malformed bodies', async () => {
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/sign-in', {})), [400, [['required', 'email'], ['required', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: 'a@b.co', password: 'short' })), [400, [['too_short', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: 42, password: ['x'] })), [400, [['invalid_type', 'email'], ['invalid_type', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: 'a@b.co', password: 'x'.repeat(129) })), [400, [['too_long', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', ['a'])), [400, [['invalid_body', null]]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', 'just a string')), [400, [['invalid_body', null]]]);
    assert.deepEqual(problems(await c.call('POST', '/auth/sign-in', { raw: '{"email": ' })), [400, [['invalid_body', null]]]);
    assert.deepEqual(problems(await c.call('POST', '/auth/sign-in', { raw: 'x', headers: { 'content-type': 'text/plain' } })), [400, [['invalid_body', null]]]);
    assert.deepEqual(problems(await c.call('POST', '/auth/sign-in', { raw: '<x/>', headers: { 'content-type': 'application/xml' } })), [415, [['unsupported_media_type', null]]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: 'x'.repeat(300), password: PASSWORD })), [400, [['too_long', 'email']]]);
  });

  test('"otp": "" and "otp": null are no code (optional in the seed): 200 without 2FA, 400 otp_required with it', async () => {
    const { email } = await barongUser();
    assert.equal((await new NbcClient(t).post('/auth/sign-in', { email, password: PASSWORD, otp: '' })).status, 200);
    assert.equal((await new NbcClient(t).post('/auth/sign-in', { email, password: PASSWORD, otp: null })).status, 200);
    const totpEmail = uniqueEmail('otpnull');
    await enableOtp(t, await activeUser(t, totpEmail));
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: totpEmail, password: PASSWORD, otp: '' })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email: totpEmail, password: PASSWORD, otp: null })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: 123456 })), [400, [['invalid_type', 'otp']]], 'a number is still no string');
  });

  test('success and failure are recorded as session activities; a new-login mail is sent', async () => {
    const { email, userId } = await barongUser();
    const since = await lastActivityId(t, userId);
    const c = new NbcClient(t);
    await c.post('/auth/sign-in', { email, password: `${PASSWORD}x` });
    await mailAfter(t, email, /New login/, () => c.signIn(email));
    assert.deepEqual(await activities(t, userId, since), ['session/login/failed', 'session/login/succeed']);
  });

  test('banned / deleted / locked accounts → 403 after the password, with their own codes', async () => {
    for (const [key, value, code] of [['ban', 'yes', 'account_banned'], ['delete', 'yes', 'account_deleted'], ['lock', 'yes', 'account_not_active']] as const) {
      const { email, userId } = await barongUser();
      await t.c.identity.labels.setPrivate(t.c.db, (await usersRepo.byId(t.c.db, userId))!, key, value);
      const c = new NbcClient(t);
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: `${PASSWORD}x` })), [400, [['invalid_credentials', 'password']]], 'the password comes first');
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD })), [403, [[code, null]]]);
    }
  });
});

describe('POST /auth/sign-in/psw/check', () => {
  test('tells the client which second factor to ask for: none, google, email', async () => {
    const { email } = await barongUser();
    const c = new NbcClient(t);
    assert.deepEqual((await c.post('/auth/sign-in/psw/check', { email, password: PASSWORD })).body, { tfa: false, type: null });
    assert.deepEqual(problems(await c.post('/auth/sign-in/psw/check', { email, password: `${PASSWORD}x` })), [400, [['invalid_credentials', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in/psw/check', { email: uniqueEmail('x'), password: PASSWORD })), [404, [['user_not_found', 'email']]]);
    assert.deepEqual(problems(await c.post('//auth/sign-in/psw/check', { email })), [400, [['required', 'password']]]);
    const barong = await activeUser(t, uniqueEmail('pswotp'));
    await enableOtp(t, barong);
    const me = await barong.get('/resource/users/me');
    assert.deepEqual((await c.post('/auth/sign-in/psw/check', { email: me.body.email, password: PASSWORD })).body, { tfa: true, type: 'google' });
  });
});

describe('second factor at sign-in', () => {
  test('google (TOTP from the 2FA issue): missing → 400 otp_required, wrong → 400 invalid_otp, right → 200; recovery codes work once', async () => {
    const email = uniqueEmail('g2fa');
    const barong = await activeUser(t, email);
    const otp = await enableOtp(t, barong);
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: otp.code(5) })), [400, [['invalid_otp', 'otp']]]);
    assert.equal((await c.signIn(email, PASSWORD, otp.code())).status, 200);
    assert.equal((await c.signIn(email, PASSWORD, otp.recoveryCodes[0])).status, 200);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: otp.recoveryCodes[0] })), [400, [['invalid_otp', 'otp']]]);
  });

  test('email: /auth/tfa/otp/email mails a 6-digit code; it signs in once; wrong, stale and replaced codes are refused', async () => {
    const email = uniqueEmail('e2fa');
    await activeUser(t, email);
    const c = new NbcClient(t);
    await c.signIn(email);
    // Turn email codes on (the change itself needs a mailed code).
    const onMail = await mailAfter(t, email, /sign-in code/, async () => assert.equal((await c.post('/auth/tfa/otp/email')).status, 204));
    assert.deepEqual((await c.put('/api/tfa/type', { type: 'email', otp: codeOf(onMail) })).body, { tfa: true, type: 'email' });

    const other = new NbcClient(t);
    assert.deepEqual((await other.post('/auth/sign-in/psw/check', { email, password: PASSWORD })).body, { tfa: true, type: 'email' });
    assert.deepEqual(problems(await other.post('/auth/sign-in', { email, password: PASSWORD })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await other.post('/auth/tfa/otp/email', { email, password: `${PASSWORD}x` })), [400, [['invalid_credentials', 'password']]]);
    const first = codeOf(await mailAfter(t, email, /sign-in code/, () => other.post('/auth/tfa/otp/email', { email, password: PASSWORD })));
    const second = codeOf(await mailAfter(t, email, /sign-in code/, () => other.post('//auth/tfa/otp/email', { email, password: PASSWORD })));
    if (first !== second) assert.deepEqual(problems(await other.post('/auth/sign-in', { email, password: PASSWORD, otp: first })), [400, [['invalid_otp', 'otp']]], 'a newer code replaces the older');
    assert.equal((await other.signIn(email, PASSWORD, second)).status, 200);
    assert.deepEqual(problems(await other.post('/auth/sign-in', { email, password: PASSWORD, otp: second })), [400, [['invalid_otp', 'otp']]], 'single use');

    const third = codeOf(await mailAfter(t, email, /sign-in code/, () => other.post('/auth/tfa/otp/email', { email, password: PASSWORD })));
    t.clock.advance(t.c.config.EMAIL_CODE_LIFETIME + 1);
    assert.deepEqual(problems(await other.post('/auth/sign-in', { email, password: PASSWORD, otp: third })), [400, [['code_expired', 'otp']]]);
  });

  test('email codes die after 5 wrong tries; /auth/tfa/otp/email refuses accounts that do not use email codes', async () => {
    const email = uniqueEmail('e2fa5');
    await activeUser(t, email);
    const c = new NbcClient(t);
    await c.signIn(email);
    assert.deepEqual(problems(await c.post('/auth/tfa/otp/email', { email, password: PASSWORD }, { token: null })), [400, [['tfa_type_not_email', null]]]);
    const on = await mailAfter(t, email, /sign-in code/, () => c.post('/auth/tfa/otp/email'));
    await c.put('/api/tfa/type', { type: 'email', otp: codeOf(on) });
    const code = codeOf(await mailAfter(t, email, /sign-in code/, () => c.post('/auth/tfa/otp/email', { email, password: PASSWORD }, { token: null })));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: wrong })), [400, [['invalid_otp', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: wrong })), [400, [['code_attempts_exceeded', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, otp: code })), [400, [['code_attempts_exceeded', 'otp']]], 'even the right code');
  });

  test('codes are never stored in clear', async () => {
    const rows = await t.c.db.query<{ code_hash: string }>('SELECT code_hash FROM email_codes');
    assert.ok(rows.length > 0);
    for (const r of rows) assert.match(r.code_hash, /^[0-9a-f]{64}$/);
  });
});

describe('rate limits as the Barong login', () => {
  test('failed sign-ins on one account share the Barong bucket: 429 for both doors once spent', async () => {
    const limited = await startTestApp({ RATE_LIMIT_LOGIN_ACCOUNT: '3/600', NBC_COOKIE_SECURE: 'false' });
    try {
      const email = uniqueEmail('rl');
      await activeUser(limited, email);
      const c = new NbcClient(limited);
      for (let i = 0; i < 3; i++) assert.equal((await c.post('/auth/sign-in', { email, password: `${PASSWORD}x` })).status, 400);
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD })), [429, [['too_many_requests', null]]]);
      const barong = await limited.app.inject({ method: 'POST', url: `${limited.prefix}/identity/sessions`, payload: { email, password: PASSWORD } });
      assert.equal(barong.statusCode, 429);
      // (Window expiry is the limiter's own business, tested with it; Redis keys expire in real time.)
      const otherEmail = uniqueEmail('rl2');
      await activeUser(limited, otherEmail);
      const ok = await new NbcClient(limited).signIn(otherEmail);
      assert.equal(ok.status, 200, 'another account is not affected');
      const cookie = ([] as string[]).concat(ok.headers['set-cookie'] as string[]).find((s) => s.startsWith('refresh_token='))!;
      assert.doesNotMatch(cookie, /Secure/, 'NBC_COOKIE_SECURE=false for local http');
    } finally {
      await limited.close();
    }
  });
});

describe('captcha (CAPTCHA_PROTECTED_ENDPOINTS), as on the Barong and Nebeus doors', () => {
  /** A siteverify stand-in: success iff the response is 'good'. */
  async function withCaptcha(env: Record<string, string>, run: (app: TestApp) => Promise<void>) {
    const siteverify = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        const ok = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('response') === 'good';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: ok }));
      });
    });
    await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve));
    const verifyUrl = `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`;
    const app = await startTestApp({ CAPTCHA_PROVIDER: 'recaptcha', CAPTCHA_SECRET: 's', CAPTCHA_SITE_KEY: 'site', CAPTCHA_VERIFY_URL: verifyUrl, ...env });
    try {
      await run(app);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => siteverify.close(() => resolve()));
    }
  }
  const REQUIRED = [400, [['captcha_required', 'captcha_response']]];
  const FAILED = [400, [['captcha_verification_failed', 'captcha_response']]];

  test('sign-in (session_create), sign-up get-code (user_create), recovery (password_reset): missing → 400 captcha_required, failed → 400 captcha_verification_failed', async () => {
    await withCaptcha({}, async (app) => {
      const email = uniqueEmail('captcha');
      await createActiveUser(app.c.identity, { email, password: PASSWORD, role: 'member' });
      const c = new NbcClient(app);
      const missing = await c.post('/auth/sign-in', { email, password: PASSWORD });
      assert.deepEqual(missing.body, { statusCode: 400, message: 'A captcha response is required', errors: [{ code: 'captcha_required', field: 'captcha_response' }] });
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, captcha_response: ' ' })), REQUIRED);
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD, captcha_response: 'bad' })), FAILED);
      assert.deepEqual(problems(await c.post('//auth/sign-in', { email, password: PASSWORD, captcha_response: { geetest: 'x' } })), FAILED);
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email })), [400, [['required', 'password']]], 'the body is checked first');
      const ok = await c.post('/auth/sign-in', { email, password: PASSWORD, captcha_response: 'good' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(typeof ok.body, 'string');

      const newcomer = uniqueEmail('captcha-new');
      assert.deepEqual(problems(await c.post('/auth/sign-up/email/get-code', { email: newcomer })), REQUIRED);
      assert.deepEqual(problems(await c.post('/auth/sign-up/email/get-code', { email: newcomer, captcha_response: 'bad' })), FAILED);
      await mailAfter(app, newcomer, /sign-up code/i, async () =>
        assert.equal((await c.post('/auth/sign-up/email/get-code', { email: newcomer, captcha_response: 'good' })).status, 204));

      assert.deepEqual(problems(await c.post('/auth/recovery/psw', { email })), REQUIRED);
      assert.deepEqual(problems(await c.post('/auth/recovery/psw', { email, captcha_response: 'bad' })), FAILED);
      assert.equal((await c.post('/auth/recovery/psw', { email, captcha_response: 'good' })).status, 204);
    });
  });

  test('only the listed endpoint names: session_create alone leaves sign-up and recovery free', async () => {
    await withCaptcha({ CAPTCHA_PROTECTED_ENDPOINTS: 'session_create' }, async (app) => {
      const email = uniqueEmail('captcha-one');
      await createActiveUser(app.c.identity, { email, password: PASSWORD, role: 'member' });
      const c = new NbcClient(app);
      assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD })), REQUIRED);
      assert.equal((await c.post('/auth/sign-up/email/get-code', { email: uniqueEmail('free') })).status, 204);
      assert.equal((await c.post('/auth/recovery/psw', { email })).status, 204);
    });
  });
});
