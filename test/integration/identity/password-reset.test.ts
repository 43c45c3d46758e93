import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, activeUser, uniqueEmail } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const NEW_PASSWORD = 'Gol4aid1-Zq';
const GENERATE = '/identity/users/password/generate_code';
const CONFIRM = '/identity/users/password/confirm_code';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** Reset tokens issued for `email`, oldest first, read from the outbox events. */
async function resetTokens(app: TestApp, email: string): Promise<string[]> {
  const rows = await app.c.db.query<{ token: string }>(
    `SELECT payload->'record'->>'token' AS token FROM outbox
     WHERE name = 'system.user.password.reset.token' AND payload->'record'->'user'->>'email' = $1 ORDER BY id`, [email]);
  return rows.map((r) => r.token);
}

async function requestReset(app: TestApp, email: string): Promise<string> {
  const r = await new Client(app).post(GENERATE, { email });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const tokens = await resetTokens(app, email);
  assert.ok(tokens.length > 0, 'a reset token was issued');
  return tokens[tokens.length - 1];
}

function confirm(app: TestApp, token: string, password = NEW_PASSWORD, confirmPassword = password) {
  return new Client(app).post(CONFIRM, { reset_password_token: token, password, confirm_password: confirmPassword });
}

async function passwordActivities(app: TestApp, email: string) {
  return app.c.db.query<{ action: string; result: string; data: string | null; user_agent: string }>(
    `SELECT a.action, a.result, a.data, a.user_agent FROM activities a JOIN users u ON u.id = a.user_id
     WHERE u.email = $1 AND a.topic = 'password' ORDER BY a.id`, [email]);
}

async function mailsTo(app: TestApp, email: string): Promise<number> {
  await app.c.mailer.drainOnce();
  return app.smtp.received.filter((m) => m.rcptTo.includes(email)).length;
}

describe('POST /identity/users/password/generate_code', () => {
  test('a known email gets the "Reset your password" mail with a reset token link, an activity and the event', async () => {
    const email = uniqueEmail();
    await activeUser(t, email);
    const r = await new Client(t).post(GENERATE, { email });
    assert.equal(r.status, 201);
    assert.equal(r.headers['set-cookie'], undefined);

    const mail = await t.smtp.waitFor(email, /Reset your password/);
    assert.match(mail.text, /http:\/\/localhost:3000\/accounts\/password_reset\?token=[^&\s]+&lang=en/);
    const token = tokenFrom(mail);
    const claims = claimsOf(token);
    assert.equal(claims.sub, 'reset');
    assert.equal(claims.email, email);
    assert.match(String(claims.uid), /^ID[0-9A-F]{10}$/);
    assert.match(String(claims.reset_token), /^[0-9a-f]{20}$/);
    assert.match(String(claims.jti), /^[0-9a-f]{20}$/);
    assert.equal(claims.iss, 'barong');
    assert.deepEqual(claims.aud, ['peatio', 'barong']);
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.deepEqual(await resetTokens(t, email), [token], 'the mailed token is the one of the event');

    assert.deepEqual(await passwordActivities(t, email), [{ action: 'request password reset', result: 'succeed', data: null, user_agent: UA }]);
  });

  test('an unknown email → 201 and nothing else (no mail, no event)', async () => {
    const email = uniqueEmail('nobody');
    const r = await new Client(t).post(GENERATE, { email });
    assert.equal(r.status, 201);
    assert.equal(await mailsTo(t, email), 0);
    const [{ n }] = await t.c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload::text LIKE $1`, [`%${email}%`]);
    assert.equal(n, 0);
  });

  test('missing and blank email keys', async () => {
    const c = new Client(t);
    let r = await c.post(GENERATE, {});
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.missing_email', 'identity.user.empty_email'] }]);
    r = await c.post(GENERATE, { email: '   ' });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.empty_email'] }]);
  });
});

describe('POST /identity/users/password/confirm_code', () => {
  test('param keys: missing and blank, in declaration order', async () => {
    const c = new Client(t);
    let r = await c.post(CONFIRM, {});
    assert.deepEqual([r.status, r.body], [422, { errors: [
      'identity.user.missing_pass_token', 'identity.user.empty_reset_password_token',
      'identity.user.missing_password', 'identity.user.empty_password',
      'identity.user.missing_confirm_password', 'identity.user.empty_confirm_password'] }]);
    r = await c.post(CONFIRM, { reset_password_token: '', password: ' ', confirm_password: '' });
    assert.deepEqual([r.status, r.body], [422, { errors: [
      'identity.user.empty_reset_password_token', 'identity.user.empty_password', 'identity.user.empty_confirm_password'] }]);
    r = await c.post(CONFIRM, { reset_password_token: 'x', password: NEW_PASSWORD });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.missing_confirm_password', 'identity.user.empty_confirm_password'] }]);
  });

  test('mismatching passwords are refused before the token is looked at', async () => {
    const r = await new Client(t).post(CONFIRM, { reset_password_token: 'garbage', password: NEW_PASSWORD, confirm_password: NEW_PASSWORD + 'x' });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.passwords_doesnt_match'] }]);
  });

  test('bad tokens: garbage → segments; a confirmation token → confirmation (wrong subject)', async () => {
    let r = await confirm(t, 'garbage');
    assert.deepEqual([r.status, r.body], [422, { errors: ['jwt.decode_and_verify.segments'] }]);
    const email = uniqueEmail();
    assert.equal((await new Client(t).signup(email)).status, 201);
    const confirmation = tokenFrom(await t.smtp.waitFor(email, /Confirm/));
    r = await confirm(t, confirmation);
    assert.deepEqual([r.status, r.body], [422, { errors: ['jwt.decode_and_verify.confirmation'] }]);
    assert.equal((await new Client(t).login(email)).status, 200, 'password unchanged');
  });

  test('an HS256 token (header exactly {"alg":"HS256"}, as ruby-jwt writes it) → jwt.decode_and_verify.algorithm', async () => {
    const { createHmac } = await import('node:crypto');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'HS256' })}.${b64({ sub: 'reset', email: uniqueEmail(), iat: now, exp: now + 60, iss: 'barong', aud: ['peatio', 'barong'], jti: 'a'.repeat(20) })}`;
    const forged = `${body}.${createHmac('sha256', 'guess').update(body).digest('base64url')}`;
    assert.deepEqual(await confirm(t, forged).then((r) => [r.status, r.body]), [422, { errors: ['jwt.decode_and_verify.algorithm'] }]);
    // Warden's own HS256 links (freeze) are for their own subject only.
    const local = t.c.identity.tokens.signLocal('freeze', { email: uniqueEmail() }).token;
    assert.deepEqual(await confirm(t, local).then((r) => [r.status, r.body]), [422, { errors: ['jwt.decode_and_verify.algorithm'] }]);
  });

  test('success: 201, new password works, old does not, every session ended, single use, event and activity', async () => {
    const email = uniqueEmail();
    const first = await activeUser(t, email);
    const second = new Client(t);
    assert.equal((await second.login(email)).status, 200);
    assert.equal((await first.get('/resource/users/me')).status, 200);
    assert.equal((await second.get('/resource/users/me')).status, 200);

    assert.equal((await new Client(t).post(GENERATE, { email })).status, 201);
    const token = tokenFrom(await t.smtp.waitFor(email, /Reset your password/));
    const r = await confirm(t, token);
    assert.equal(r.status, 201);
    assert.equal(r.headers['set-cookie'], undefined, 'a reset opens no session');

    for (const c of [first, second]) {
      const me = await c.get('/resource/users/me');
      assert.deepEqual([me.status, me.body], [401, { errors: ['authz.invalid_session'] }]);
    }
    const old = await new Client(t).login(email, STRONG_PASSWORD);
    assert.deepEqual([old.status, old.body], [401, { errors: ['identity.session.invalid_params'] }]);
    assert.equal((await new Client(t).login(email, NEW_PASSWORD)).status, 200);

    const again = await confirm(t, token, 'Other-Pass-77x');
    assert.deepEqual([again.status, again.body], [422, { errors: ['identity.user.utilized_token'] }]);
    assert.equal((await new Client(t).login(email, NEW_PASSWORD)).status, 200, 'the reused token changed nothing');

    const events = await t.c.db.query<{ payload: { record: { user: { email: string }; domain: string } } }>(
      `SELECT payload FROM outbox WHERE name = 'system.user.password.reset' AND payload->'record'->'user'->>'email' = $1`, [email]);
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.record.domain, 'localhost:3000');
    assert.deepEqual((await passwordActivities(t, email)).map((a) => [a.action, a.result, a.data]), [
      ['request password reset', 'succeed', null],
      ['password reset', 'succeed', null],
    ]);
  });

  test('a weak password → 422 password.weak with a failed activity; the token still works afterwards', async () => {
    const email = uniqueEmail();
    await activeUser(t, email);
    const token = await requestReset(t, email);
    let r = await confirm(t, token, 'Password1');
    assert.deepEqual([r.status, r.body], [422, { errors: ['password.weak'] }]);
    r = await confirm(t, token, 'alllowercase1');
    assert.deepEqual([r.status, r.body], [422, { errors: ['password.requirements'] }]);
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD)).status, 200, 'password unchanged');
    r = await confirm(t, token);
    assert.equal(r.status, 201);
    assert.equal((await new Client(t).login(email, NEW_PASSWORD)).status, 200);
    const acts = await passwordActivities(t, email);
    assert.deepEqual(acts.map((a) => [a.action, a.result]), [
      ['request password reset', 'succeed'], ['password reset', 'failed'], ['password reset', 'failed'], ['password reset', 'succeed'],
    ]);
    assert.match(JSON.parse(acts[1].data ?? '{}').reason, /weak/);
    assert.match(JSON.parse(acts[2].data ?? '{}').reason, /requirements/);
    assert.equal(acts[3].data, null);
  });

  test('only the latest reset token works: an earlier one is refused, before and after the latest is used', async () => {
    const email = uniqueEmail();
    await activeUser(t, email);
    const older = await requestReset(t, email);
    const newer = await requestReset(t, email);
    assert.notEqual(older, newer);
    let r = await confirm(t, older);
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.utilized_token'] }]);
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD)).status, 200, 'password unchanged');
    r = await confirm(t, newer);
    assert.equal(r.status, 201);
    r = await confirm(t, older, 'Other-Pass-77x');
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.utilized_token'] }]);
    assert.equal((await new Client(t).login(email, NEW_PASSWORD)).status, 200);
  });

  test('a token minted without a reset_token claim is refused, with or without a pending reset', async () => {
    const email = uniqueEmail();
    const client = await activeUser(t, email);
    const uid = (await client.get('/resource/users/me')).body.uid as string;
    const minted = t.c.identity.tokens.sign('reset', { email, uid }).token;
    let r = await confirm(t, minted);
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.utilized_token'] }]);
    await requestReset(t, email);
    r = await confirm(t, minted);
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.utilized_token'] }]);
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD)).status, 200, 'password unchanged');
  });

  test('an expired token → jwt.decode_and_verify.expired', async () => {
    const email = uniqueEmail();
    await activeUser(t, email);
    const token = await requestReset(t, email);
    t.clock.advance(3601);
    const r = await confirm(t, token);
    assert.deepEqual([r.status, r.body], [422, { errors: ['jwt.decode_and_verify.expired'] }]);
    assert.equal((await new Client(t).login(email, STRONG_PASSWORD)).status, 200, 'password unchanged');
  });
});

describe('reset rate limit', () => {
  test('RATE_LIMIT_RESET_ACCOUNT 2/900: the third request for one email → 429; other emails are unaffected', async () => {
    const app = await startTestApp({ RATE_LIMIT_RESET_ACCOUNT: '2/900' });
    try {
      const email = uniqueEmail();
      assert.equal((await new Client(app).signup(email)).status, 201);
      const c = new Client(app);
      assert.equal((await c.post(GENERATE, { email })).status, 201);
      assert.equal((await c.post(GENERATE, { email })).status, 201);
      let r = await c.post(GENERATE, { email });
      assert.deepEqual([r.status, r.body], [429, { errors: ['identity.user.too_many_requests'] }]);
      r = await c.post(GENERATE, { email: email.toUpperCase() });
      assert.deepEqual([r.status, r.body], [429, { errors: ['identity.user.too_many_requests'] }], 'counted case-insensitively');
      assert.equal((await resetTokens(app, email)).length, 2, 'only two reset tokens issued');

      const other = uniqueEmail();
      assert.equal((await new Client(app).signup(other)).status, 201);
      assert.equal((await c.post(GENERATE, { email: other })).status, 201);
      assert.equal((await resetTokens(app, other)).length, 1);
    } finally {
      await app.close();
    }
  });
});
