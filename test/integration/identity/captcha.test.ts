import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';

/**
 * A siteverify-compatible endpoint: success iff the posted `response` is 'good'; 'boom' makes it
 * answer HTTP 500. Every posted form is kept.
 */
const verifications: URLSearchParams[] = [];
const siteverify = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    verifications.push(form);
    if (req.method !== 'POST' || req.url !== '/siteverify') { res.writeHead(404).end(); return; }
    if (form.get('response') === 'boom') { res.writeHead(500).end('oops'); return; }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: form.get('response') === 'good' }));
  });
});

let t: TestApp;
let verifyUrl: string;
before(async () => {
  await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve));
  verifyUrl = `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`;
  t = await startTestApp({ CAPTCHA_PROVIDER: 'recaptcha', CAPTCHA_SECRET: 's', CAPTCHA_SITE_KEY: 'site', CAPTCHA_VERIFY_URL: verifyUrl });
});
after(async () => {
  await t.close();
  await new Promise<void>((resolve) => siteverify.close(() => resolve()));
});

const REQUIRED = [400, { errors: ['identity.captcha.required'] }];
const FAILED = [422, { errors: ['identity.captcha.verification_failed'] }];

async function userCount(app: TestApp, email: string): Promise<number> {
  const [{ n }] = await app.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [email]);
  return n;
}

async function eventCount(app: TestApp, name: string, email: string): Promise<number> {
  const [{ n }] = await app.c.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE name = $1 AND payload->'record'->'user'->>'email' = $2`, [name, email]);
  return n;
}

/** A user created while captcha is on (with a good response). */
async function signedUp(app: TestApp): Promise<string> {
  const email = uniqueEmail();
  const r = await new Client(app).signup(email, STRONG_PASSWORD, { captcha_response: 'good' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return email;
}

describe('recaptcha on every protected endpoint', () => {
  test('configs show captcha_type recaptcha and the site key as captcha_id', async () => {
    for (const group of ['identity', 'public']) {
      const r = await new Client(t).get(`/${group}/configs`);
      assert.equal(r.status, 200);
      assert.equal(r.body.captcha_type, 'recaptcha');
      assert.equal(r.body.captcha_id, 'site');
    }
  });

  test('sign-up: none → 400 required; bad → 422 and no user; good → 201; the secret is sent, the IP is not', async () => {
    const email = uniqueEmail();
    const c = new Client(t);
    assert.deepEqual(await c.signup(email).then((r) => [r.status, r.body]), REQUIRED);
    assert.deepEqual(await c.signup(email, STRONG_PASSWORD, { captcha_response: '  ' }).then((r) => [r.status, r.body]), REQUIRED);
    assert.deepEqual(await c.signup(email, STRONG_PASSWORD, { captcha_response: 'bad' }).then((r) => [r.status, r.body]), FAILED);
    assert.deepEqual(await c.signup(email, STRONG_PASSWORD, { captcha_response: 'boom' }).then((r) => [r.status, r.body]), FAILED, 'provider error');
    assert.deepEqual(await c.signup(email, STRONG_PASSWORD, { captcha_response: { not: 'a string' } }).then((r) => [r.status, r.body]), FAILED);
    assert.equal(await userCount(t, email), 0, 'no user created');
    assert.equal(c.cookie, undefined);

    const before = verifications.length;
    const r = await c.signup(email, STRONG_PASSWORD, { captcha_response: 'good' });
    assert.equal(r.status, 201);
    assert.equal(r.body.email, email);
    assert.equal(await userCount(t, email), 1);
    const sent = verifications.slice(before);
    assert.equal(sent.length, 1, 'one provider call');
    assert.equal(sent[0].get('secret'), 's');
    assert.equal(sent[0].get('response'), 'good');
    assert.equal(sent[0].get('remoteip'), null, 'recaptcha gets no remote IP');
  });

  test('login: none → 400; bad → 422 without a session or activity; good → 200', async () => {
    const email = await signedUp(t);
    const c = new Client(t);
    assert.deepEqual(await c.login(email).then((r) => [r.status, r.body]), REQUIRED);
    assert.deepEqual(await c.login(email, STRONG_PASSWORD, { captcha_response: 'bad' }).then((r) => [r.status, r.body]), FAILED);
    assert.equal(c.cookie, undefined);
    const [{ n }] = await t.c.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activities a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.topic = 'session'`, [email]);
    assert.equal(n, 0, 'the login was never attempted');
    const r = await c.login(email, STRONG_PASSWORD, { captcha_response: 'good' });
    assert.equal(r.status, 200);
    assert.equal(r.body.email, email);
  });

  test('password/generate_code: none → 400; bad → 422 and no reset; good → 201 and a reset token', async () => {
    const email = await signedUp(t);
    const c = new Client(t);
    const path = '/identity/users/password/generate_code';
    assert.deepEqual(await c.post(path, { email }).then((r) => [r.status, r.body]), REQUIRED);
    assert.deepEqual(await c.post(path, { email, captcha_response: 'bad' }).then((r) => [r.status, r.body]), FAILED);
    assert.equal(await eventCount(t, 'system.user.password.reset.token', email), 0);
    assert.equal((await c.post(path, { email, captcha_response: 'good' })).status, 201);
    assert.equal(await eventCount(t, 'system.user.password.reset.token', email), 1);
    await t.smtp.waitFor(email, /Reset your password/);
  });

  test('email/generate_code: none → 400; bad → 422 and no mail; good → 201 and a new confirmation', async () => {
    const email = await signedUp(t);
    const c = new Client(t);
    const path = '/identity/users/email/generate_code';
    assert.equal(await eventCount(t, 'system.user.email.confirmation.token', email), 1, 'the sign-up one');
    assert.deepEqual(await c.post(path, { email }).then((r) => [r.status, r.body]), REQUIRED);
    assert.deepEqual(await c.post(path, { email, captcha_response: 'bad' }).then((r) => [r.status, r.body]), FAILED);
    assert.equal(await eventCount(t, 'system.user.email.confirmation.token', email), 1);
    assert.equal((await c.post(path, { email, captcha_response: 'good' })).status, 201);
    assert.equal(await eventCount(t, 'system.user.email.confirmation.token', email), 2);
  });

  test('parameter errors come before the captcha', async () => {
    const r = await new Client(t).post('/identity/users', {});
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.errors.slice(0, 2), ['identity.user.missing_email', 'identity.user.empty_email']);
  });
});

describe('CAPTCHA_PROTECTED_ENDPOINTS', () => {
  test('session_create only: login needs a captcha, sign-up and the mail endpoints do not', async () => {
    const app = await startTestApp({
      CAPTCHA_PROVIDER: 'recaptcha', CAPTCHA_SECRET: 's', CAPTCHA_SITE_KEY: 'site', CAPTCHA_VERIFY_URL: verifyUrl,
      CAPTCHA_PROTECTED_ENDPOINTS: 'session_create',
    });
    try {
      const email = uniqueEmail();
      const c = new Client(app);
      const signup = await c.signup(email);
      assert.equal(signup.status, 201);
      assert.equal((await c.post('/identity/users/password/generate_code', { email })).status, 201);
      assert.equal((await c.post('/identity/users/email/generate_code', { email })).status, 201);

      assert.deepEqual(await c.login(email).then((r) => [r.status, r.body]), REQUIRED);
      assert.deepEqual(await c.login(email, STRONG_PASSWORD, { captcha_response: 'bad' }).then((r) => [r.status, r.body]), FAILED);
      assert.equal((await c.login(email, STRONG_PASSWORD, { captcha_response: 'good' })).status, 200);
    } finally {
      await app.close();
    }
  });
});
