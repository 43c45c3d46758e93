import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, activeUser, uniqueEmail } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const FULL_INFO_KEYS = ['email', 'uid', 'role', 'level', 'otp', 'state', 'referral_uid', 'csrf_token', 'data', 'username', 'labels', 'phones', 'profiles', 'data_storages', 'created_at', 'updated_at'];

describe('POST /identity/users (sign up)', () => {
  test('creates a pending member, opens a session and mails a confirmation link', async () => {
    const email = uniqueEmail();
    const client = new Client(t);
    const res = await client.signup(email, STRONG_PASSWORD, { username: 'Alice' + (Date.now() % 1000), data: '{"language":"en"}' });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), [...FULL_INFO_KEYS].sort());
    assert.equal(res.body.email, email);
    assert.match(res.body.uid, /^ID[0-9A-F]{10}$/);
    assert.equal(res.body.role, 'member');
    assert.equal(res.body.state, 'pending');
    assert.equal(res.body.level, 0);
    assert.equal(res.body.otp, false);
    assert.match(res.body.username, /^alice\d+$/, 'usernames are lower-cased');
    assert.match(res.body.csrf_token, /^[0-9a-f]{20}$/);
    assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(client.cookie, 'session cookie set');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] as string[])[0];
    assert.match(cookie, /^_barong_session=[0-9a-f]{32}; Max-Age=86400; Path=\/; HttpOnly/);

    const mail = await t.smtp.waitFor(email, /Confirm your email/);
    assert.match(mail.text, new RegExp(`http://localhost:3000/accounts/confirmation\\?token=`));
    const claims = JSON.parse(Buffer.from(tokenFrom(mail).split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'confirmation');
    assert.equal(claims.email, email);
    assert.equal(claims.iss, 'barong');
    assert.deepEqual(claims.aud, ['peatio', 'barong']);
    assert.match(claims.jti, /^[0-9a-f]{20}$/);

    const [outbox] = await t.c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE name = 'model.user.created' AND payload->'record'->>'email' = $1`, [email]);
    assert.equal(outbox.n, 1, 'model.user.created event in the outbox');
    const [act] = await t.c.db.query<{ topic: string; action: string; result: string; user_agent: string }>(
      'SELECT topic, action, result, user_agent FROM activities a JOIN users u ON u.id = a.user_id WHERE u.email = $1', [email]);
    assert.deepEqual(act, { topic: 'account', action: 'signup', result: 'succeed', user_agent: UA });
  });

  test('missing and blank params give every Barong key in one 422', async () => {
    const c = new Client(t);
    assert.deepEqual(await c.post('/identity/users', {}).then((r) => [r.status, r.body]), [422, { errors: [
      'identity.user.missing_email', 'identity.user.empty_email', 'identity.user.missing_password', 'identity.user.empty_password'] }]);
    assert.deepEqual((await c.post('/identity/users', { email: ' ', password: 'x' })).body, { errors: ['identity.user.empty_email'] });
  });

  test('model errors: invalid email and weak password together; requirements; taken; username; data', async () => {
    const c = new Client(t);
    let r = await c.signup('not-an-email', 'Password1aaa');
    assert.deepEqual([r.status, r.body], [422, { errors: ['email.invalid', 'password.weak'] }]);
    r = await c.signup(uniqueEmail(), 'alllowercase1');
    assert.deepEqual(r.body, { errors: ['password.requirements'] });
    const email = uniqueEmail();
    assert.equal((await c.signup(email)).status, 201);
    r = await new Client(t).signup(email.toUpperCase());
    assert.deepEqual([r.status, r.body], [422, { errors: ['email.taken'] }], 'emails are unique case-insensitively');
    r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { username: 'ab' });
    assert.deepEqual(r.body, { errors: ['username.too_short'] });
    r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { data: '{oops' });
    assert.deepEqual(r.body, { errors: ['data.invalid_format'] });
    // bcrypt's 72-byte input limit (§2.1), counted in UTF-8 bytes, before the policy's own keys
    r = await new Client(t).signup(uniqueEmail(), `Aa1-${'x9Q'.repeat(23)}`);
    assert.deepEqual([r.status, r.body], [422, { errors: ['password.too_long'] }], '73 bytes');
    r = await new Client(t).signup(uniqueEmail(), 'Aa1-Жёлтый日本€ßÆøåЯфы中文한국zq日本語漢字水xy');
    assert.deepEqual(r.body, { errors: ['password.too_long'] }, '32 characters, 73 bytes');
    r = await new Client(t).signup(uniqueEmail(), 'a'.repeat(80));
    assert.deepEqual(r.body, { errors: ['password.too_long', 'password.requirements'] });
    assert.equal((await new Client(t).signup(uniqueEmail(), `Aa1-${'x9Q'.repeat(22)}zz`)).status, 201, '72 bytes pass');
    const [{ n }] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', ['not-an-email']);
    assert.equal(n, 0, 'nothing stored on failure');
  });

  test('referral: format and existence are checked; a valid refid links the users', async () => {
    const referrer = await new Client(t).signup(uniqueEmail());
    let r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { refid: '' });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.invalid_referral_format'] }], 'an empty refid is checked too');
    r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { refid: 'XX1234567890' });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.invalid_referral_format'] }]);
    r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { refid: 'ID0000000000' });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.referral_doesnt_exist'] }]);
    r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { refid: referrer.body.uid });
    assert.equal(r.status, 201);
    assert.equal(r.body.referral_uid, referrer.body.uid);
  });

  test('form-encoded bodies and query strings are accepted like JSON', async () => {
    const email = uniqueEmail();
    const r = await new Client(t).call('POST', '/identity/users', { body: { email, password: STRONG_PASSWORD }, form: true });
    assert.equal(r.status, 201);
    const q = await new Client(t).call('POST', '/identity/users', { query: { email: uniqueEmail(), password: STRONG_PASSWORD } });
    assert.equal(q.status, 201);
  });

  test('malformed JSON is a 400 in Barong dialect, never a 500', async () => {
    const res = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { errors: ['server.request.invalid_body'] });
  });
});

describe('email confirmation', () => {
  test('confirm_code activates the user at level 1, opens a session and emits the event', async () => {
    const email = uniqueEmail();
    const c = new Client(t);
    await c.signup(email);
    const token = tokenFrom(await t.smtp.waitFor(email, /Confirm/));
    const r = await c.post('/identity/users/email/confirm_code', { token });
    assert.equal(r.status, 201);
    assert.equal(r.body.state, 'active');
    assert.equal(r.body.level, 1);
    assert.deepEqual(r.body.labels.map((l: { key: string; value: string; scope: string }) => [l.key, l.value, l.scope]), [['email', 'verified', 'private']]);
    assert.match(r.body.csrf_token, /^[0-9a-f]{20}$/);
    const events = await t.c.db.query<{ name: string }>(`SELECT name FROM outbox WHERE payload->'record'->'user'->>'email' = $1 OR payload->'record'->>'email' = $1 ORDER BY id`, [email]);
    assert.deepEqual(events.map((e) => e.name), ['model.user.created', 'system.user.email.confirmation.token', 'model.user.updated', 'model.label.created', 'system.user.email.confirmed']);
    // §13.2: system events and nested records carry U in full; model.user.* records drop nulls
    const records = await t.c.db.query<{ name: string; keys: string[] }>(
      `SELECT name, ARRAY(SELECT jsonb_object_keys(COALESCE(payload->'record'->'user', payload->'record')) ORDER BY 1) AS keys FROM outbox WHERE payload->'record'->'user'->>'email' = $1 OR payload->'record'->>'email' = $1 ORDER BY id`, [email]);
    const full = ['created_at', 'email', 'level', 'otp', 'referral_uid', 'role', 'state', 'uid', 'updated_at', 'username'];
    const compact = full.filter((k) => k !== 'referral_uid' && k !== 'username');
    assert.deepEqual(records.map((e) => [e.name, e.keys]), [['model.user.created', compact], ['system.user.email.confirmation.token', full], ['model.user.updated', compact], ['model.label.created', full], ['system.user.email.confirmed', full]]);

    // single use, and an active user cannot confirm again
    const again = await new Client(t).post('/identity/users/email/confirm_code', { token });
    assert.deepEqual([again.status, again.body], [422, { errors: ['identity.user.active_or_doesnt_exist'] }]);
  });

  test('a token is single use even while the user is still pending', async () => {
    const email = uniqueEmail();
    await new Client(t).signup(email);
    const token = tokenFrom(await t.smtp.waitFor(email, /Confirm/));
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    await t.c.kv.set(`used-jti:${claims.jti}`, '1', 60);
    const r = await new Client(t).post('/identity/users/email/confirm_code', { token });
    assert.deepEqual([r.status, r.body], [422, { errors: ['identity.user.utilized_token'] }]);
  });

  test('bad tokens give jwt.decode_and_verify.<word>', async () => {
    const c = new Client(t);
    assert.deepEqual((await c.post('/identity/users/email/confirm_code', { token: 'garbage' })).body, { errors: ['jwt.decode_and_verify.segments'] });
    assert.deepEqual((await c.post('/identity/users/email/confirm_code', {})).body, { errors: ['identity.user.missing_token', 'identity.user.empty_token'] });
    const { token } = t.c.identity.tokens.sign('reset', { email: 'x@example.com' });
    assert.deepEqual((await c.post('/identity/users/email/confirm_code', { token })).body, { errors: ['jwt.decode_and_verify.reset'] });
    const expired = t.c.identity.tokens.sign('confirmation', { email: 'x@example.com' }, 1).token;
    t.clock.advance(2);
    assert.deepEqual((await c.post('/identity/users/email/confirm_code', { token: expired })).body, { errors: ['jwt.decode_and_verify.expired'] });
  });

  test('generate_code resends for pending users and stays silent otherwise', async () => {
    const email = uniqueEmail();
    await new Client(t).signup(email);
    await t.smtp.waitFor(email, /Confirm/);
    const before = t.smtp.received.filter((m) => m.rcptTo.includes(email)).length;
    const r = await new Client(t).post('/identity/users/email/generate_code', { email });
    assert.equal(r.status, 201);
    await t.c.mailer.drainOnce();
    assert.equal(t.smtp.received.filter((m) => m.rcptTo.includes(email)).length, before + 1);
    const unknown = await new Client(t).post('/identity/users/email/generate_code', { email: uniqueEmail('nobody') });
    assert.equal(unknown.status, 201, 'unknown emails look the same');
    const active = await activeUser(t);
    void active;
    assert.deepEqual((await new Client(t).post('/identity/users/email/generate_code', {})).body, { errors: ['identity.user.missing_email', 'identity.user.empty_email'] });
  });
});
