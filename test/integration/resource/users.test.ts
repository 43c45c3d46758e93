import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

/** UserWithFullInfo as /resource/users/me renders it: no csrf_token (BARONG.md §4, §7.2). */
const ME_KEYS = ['email', 'uid', 'role', 'level', 'otp', 'state', 'referral_uid', 'data', 'username', 'labels', 'phones', 'profiles', 'data_storages', 'created_at', 'updated_at'];
const NEW_PASSWORD = 'Lurbanq4-Wz';

interface Me { uid: string; email: string; role: string; level: number; state: string; data: string | null }

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

/** An active user with a cookie session (opened by the email confirmation) and his /me body. */
async function signedIn(): Promise<{ client: Client; me: Me; email: string }> {
  const email = uniqueEmail('res');
  const client = await activeUser(t, email);
  const r = await client.get('/resource/users/me');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { client, me: r.body as Me, email };
}

/** A gateway-style session JWT signed with the server key. */
function jwtFor(me: Me, lifetime?: number): string {
  return t.c.identity.tokens.sign('session', { uid: me.uid, email: me.email, role: me.role, level: me.level, state: me.state }, lifetime).token;
}

function bearerCall(method: string, path: string, token: string, body?: unknown): Promise<Res> {
  return new Client(t).call(method, path, { headers: { authorization: `Bearer ${token}` }, body });
}

/** A compact RS256 JWS built by hand with node:crypto (independent of the server's own signer). */
function handJws(claims: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function sessionClaims(me: Me, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(t.clock.now() / 1000);
  return {
    iat, exp: iat + 600, sub: 'session', iss: 'barong', aud: ['peatio', 'barong'], jti: randomBytes(10).toString('hex'),
    uid: me.uid, email: me.email, role: me.role, level: me.level, state: me.state, ...overrides,
  };
}

async function userIdOf(uid: string): Promise<number> {
  const [r] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE uid = $1', [uid]);
  return Number(r.id);
}

describe('GET /resource/users/me: who is calling', () => {
  test('with the session cookie: UserWithFullInfo without csrf_token', async () => {
    const { client, me, email } = await signedIn();
    const r = await client.get('/resource/users/me');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), [...ME_KEYS].sort());
    assert.equal(r.body.email, email);
    assert.equal(r.body.uid, me.uid);
    assert.equal(r.body.state, 'active');
    assert.equal(r.body.level, 1);
    assert.equal(r.body.otp, false);
    assert.deepEqual(r.body.labels.map((l: { key: string; value: string; scope: string }) => [l.key, l.value, l.scope]), [['email', 'verified', 'private']]);
    assert.deepEqual([r.body.phones, r.body.profiles, r.body.data_storages], [[], [], []]);
    assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(r.body.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('with a Bearer JWT (sub session): the same user, no cookie needed', async () => {
    const { client, me } = await signedIn();
    const viaCookie = await client.get('/resource/users/me');
    const r = await bearerCall('GET', '/resource/users/me', jwtFor(me));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, viaCookie.body);
  });

  test('no credentials → 401 jwt.decode_and_verify (for reads and writes)', async () => {
    const anon = new Client(t);
    assert.deepEqual(answer(await anon.get('/resource/users/me')), errors(401, 'jwt.decode_and_verify'));
    assert.deepEqual(answer(await anon.put('/resource/users/me', { data: '{}' })), errors(401, 'jwt.decode_and_verify'));
    assert.deepEqual(answer(await anon.call('PUT', '/resource/users/password', { body: {} })), errors(401, 'jwt.decode_and_verify'),
      'authentication comes before parameter validation');
  });

  test('a malformed Authorization header → 401 jwt.decode_and_verify', async () => {
    const { me } = await signedIn();
    const good = jwtFor(me);
    for (const authorization of ['Basic x', 'Bearer garbage', 'Bearer', 'Bearer ', `bearer ${good}`, `Token ${good}`, `Bearer ${good}x`]) {
      const r = await new Client(t).call('GET', '/resource/users/me', { headers: { authorization } });
      assert.deepEqual(answer(r), errors(401, 'jwt.decode_and_verify'), authorization.slice(0, 20));
    }
  });

  test('an expired JWT → 401 jwt.decode_and_verify', async () => {
    const { me } = await signedIn();
    const token = jwtFor(me, 60);
    assert.equal((await bearerCall('GET', '/resource/users/me', token)).status, 200);
    t.clock.advance(61);
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(401, 'jwt.decode_and_verify'));
  });

  test('a JWT with another sub (confirmation, reset) → 401 jwt.decode_and_verify', async () => {
    const { me } = await signedIn();
    for (const sub of ['confirmation', 'reset'] as const) {
      const token = t.c.identity.tokens.sign(sub, { uid: me.uid, email: me.email }).token;
      assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(401, 'jwt.decode_and_verify'), sub);
    }
  });

  test('a JWT signed by another key → 401; the same hand-made JWT with the server key passes', async () => {
    const { me } = await signedIn();
    assert.equal(t.c.keys.algorithm, 'RS256', 'the test signs RS256 by hand');
    const withServerKey = handJws(sessionClaims(me), t.c.keys.signingKey, { alg: 'RS256', typ: 'JWT', kid: t.c.keys.kid });
    assert.equal((await bearerCall('GET', '/resource/users/me', withServerKey)).status, 200, 'the hand-made JWS is well-formed');

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = handJws(sessionClaims(me), privateKey, { alg: 'RS256', typ: 'JWT', kid: t.c.keys.kid });
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', forged)), errors(401, 'jwt.decode_and_verify'));
  });

  test('alg none and HS256 keyed with the public key (algorithm confusion) → 401', async () => {
    const { me } = await signedIn();
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(sessionClaims(me))}.`;
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', none)), errors(401, 'jwt.decode_and_verify'));
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(sessionClaims(me))}`;
    const pem = t.c.keys.publicKey.export({ type: 'spki', format: 'pem' });
    const hs = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', hs)), errors(401, 'jwt.decode_and_verify'));
  });

  test('claims are enforced: jti, iat, nbf, uid (BARONG.md §7.1) → 401', async () => {
    const { me } = await signedIn();
    const now = Math.floor(t.clock.now() / 1000);
    const cases: Record<string, Record<string, unknown>> = {
      'no jti': { jti: undefined },
      'blank jti': { jti: '  ' },
      'iat in the future': { iat: now + 120 },
      'nbf in the future': { nbf: now + 120 },
      'no uid': { uid: undefined },
      'no sub': { sub: undefined },
    };
    for (const [name, overrides] of Object.entries(cases)) {
      const token = handJws(sessionClaims(me, overrides), t.c.keys.signingKey);
      assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(401, 'jwt.decode_and_verify'), name);
    }
  });

  test('a valid JWT for an unknown uid → 404 record.not_found', async () => {
    const token = t.c.identity.tokens.sign('session', { uid: 'ID0000000000', email: 'ghost@example.com', role: 'member', level: 1, state: 'active' }).token;
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(404, 'record.not_found'));
  });

  test('banned, locked and deleted users are refused with a valid JWT and with their cookie (Warden fix #19)', async () => {
    for (const state of ['banned', 'locked', 'deleted']) {
      const { client, me } = await signedIn();
      const token = jwtFor(me);
      assert.equal((await bearerCall('GET', '/resource/users/me', token)).status, 200);
      await t.c.db.query('UPDATE users SET state = $1 WHERE uid = $2', [state, me.uid]);
      assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(401, 'authz.user_not_active'), `${state} via JWT`);
      assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.user_not_active'), `${state} via cookie`);
      assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', { data: '{}' })), errors(401, 'authz.user_not_active'), `${state} write via cookie`);
    }
  });

  test('a pending (unconfirmed) user may use his session', async () => {
    const c = new Client(t);
    assert.equal((await c.signup(uniqueEmail('pending'))).status, 201);
    const r = await c.get('/resource/users/me');
    assert.equal(r.status, 200);
    assert.equal(r.body.state, 'pending');
  });
});

describe('cookie sessions on the resource API (BARONG.md §10.3, §10.5)', () => {
  test('state-changing calls need X-CSRF-Token: missing → missing_csrf_token, wrong → csrf_token_mismatch; GET needs none', async () => {
    const { client } = await signedIn();
    assert.match(client.csrf ?? '', /^[0-9a-f]{20}$/);
    assert.deepEqual(answer(await client.put('/resource/users/me', { data: '{"a":1}' })), errors(401, 'authz.missing_csrf_token'));
    assert.deepEqual(answer(await client.call('PUT', '/resource/users/me', { body: { data: '{"a":1}' }, headers: { 'x-csrf-token': '' } })),
      errors(401, 'authz.missing_csrf_token'), 'an empty header counts as missing');
    assert.deepEqual(answer(await client.call('PUT', '/resource/users/me', { body: { data: '{"a":1}' }, headers: { 'x-csrf-token': '0123456789abcdef0123' } })),
      errors(401, 'authz.csrf_token_mismatch'));
    assert.deepEqual(answer(await client.del('/resource/users/me', { password: STRONG_PASSWORD })), errors(401, 'authz.missing_csrf_token'));
    assert.deepEqual(answer(await client.put('/resource/users/password', {})), errors(401, 'authz.missing_csrf_token'),
      'CSRF is checked before parameters');
    const [{ data }] = await t.c.db.query<{ data: string | null }>('SELECT data FROM users WHERE email = $1', [(await client.get('/resource/users/me')).body.email]);
    assert.equal(data, null, 'nothing was written');

    // a CSRF failure does not end the session; GET needs no token; the right token works
    assert.equal((await client.get('/resource/users/me')).status, 200);
    const ok = await client.send('PUT', '/resource/users/me', { data: '{"a":1}' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data, '{"a":1}');
  });

  test('the csrf token of another session does not fit', async () => {
    const a = await signedIn();
    const b = await signedIn();
    assert.notEqual(a.client.csrf, b.client.csrf);
    const r = await a.client.call('PUT', '/resource/users/me', { body: { data: '{}' }, headers: { 'x-csrf-token': b.client.csrf! } });
    assert.deepEqual(answer(r), errors(401, 'authz.csrf_token_mismatch'));
  });

  test('a different User-Agent → client_session_mismatch, and the session is destroyed', async () => {
    const { client } = await signedIn();
    client.ua = UA + ' (other)';
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.client_session_mismatch'));
    client.ua = UA;
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.invalid_session'));
  });

  test('the client IP must stay in the /16 of the login IP', async () => {
    const { email } = await signedIn();
    const c = new Client(t);
    c.ip = '203.0.113.7';
    assert.equal((await c.login(email)).status, 200);
    c.ip = '203.0.7.200';
    assert.equal((await c.get('/resource/users/me')).status, 200, 'same /16');
    c.ip = '203.1.113.7';
    assert.deepEqual(answer(await c.get('/resource/users/me')), errors(401, 'authz.client_session_mismatch'));
    c.ip = '203.0.113.7';
    assert.deepEqual(answer(await c.get('/resource/users/me')), errors(401, 'authz.invalid_session'), 'the session was destroyed');
  });

  test('idle expiry: 1801 s without a call ends the session', async () => {
    const { client } = await signedIn();
    t.clock.advance(1801);
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.client_session_mismatch'));
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.invalid_session'));
  });

  test('sliding expiry: a call every 1000 s keeps the session alive past 1800 s', async () => {
    const { client } = await signedIn();
    for (let i = 1; i <= 4; i++) {
      t.clock.advance(1000);
      assert.equal((await client.get('/resource/users/me')).status, 200, `call ${i} after ${i * 1000} s`);
    }
    t.clock.advance(1000);
    assert.equal((await client.send('PUT', '/resource/users/me', { data: '{"still":"here"}' })).status, 200, 'writes slide it too');
    t.clock.advance(1801);
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.client_session_mismatch'), 'idleness still counts');
  });

  test('a forged or unknown cookie → invalid_session (or the CSRF error on writes)', async () => {
    const c = new Client(t);
    for (const cookie of [randomBytes(16).toString('hex'), 'abc', 'A'.repeat(32)]) {
      c.cookie = cookie;
      assert.deepEqual(answer(await c.get('/resource/users/me')), errors(401, 'authz.invalid_session'), cookie);
    }
    c.cookie = randomBytes(16).toString('hex');
    assert.deepEqual(answer(await c.put('/resource/users/me', { data: '{}' })), errors(401, 'authz.missing_csrf_token'));
    assert.deepEqual(answer(await c.call('PUT', '/resource/users/me', { body: { data: '{}' }, headers: { 'x-csrf-token': 'deadbeefdeadbeefdead' } })),
      errors(401, 'authz.csrf_token_mismatch'));
  });

  test('a Bearer JWT needs no CSRF token', async () => {
    const { me } = await signedIn();
    const r = await bearerCall('PUT', '/resource/users/me', jwtFor(me), { data: '{"via":"jwt"}' });
    assert.equal(r.status, 200);
    assert.equal(r.body.data, '{"via":"jwt"}');
  });

  test('with CSRF_PROTECTION=false a cookie PUT needs no token', async () => {
    const t2 = await startTestApp({ CSRF_PROTECTION: 'false' });
    try {
      const client = await activeUser(t2, uniqueEmail('nocsrf'));
      const r = await client.put('/resource/users/me', { data: '{"csrf":false}' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data, '{"csrf":false}');
      client.ua = 'Other/1.0';
      assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.client_session_mismatch'), 'the session binding still applies');
    } finally {
      await t2.close();
    }
  });
});

describe('PUT /resource/users/me', () => {
  test('replaces data, answers the full info and emits model.user.updated with the previous value', async () => {
    const { client, me } = await signedIn();
    const r = await client.send('PUT', '/resource/users/me', { data: '{"language":"ru"}' });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), [...ME_KEYS].sort());
    assert.equal(r.body.uid, me.uid);
    assert.equal(r.body.data, '{"language":"ru"}');
    assert.equal((await client.get('/resource/users/me')).body.data, '{"language":"ru"}');

    const r2 = await client.send('PUT', '/resource/users/me', { data: '{"language":"en"}' });
    assert.equal(r2.body.data, '{"language":"en"}');
    const events = await t.c.db.query<{ payload: { record: { uid: string; email: string }; changes: unknown } }>(
      `SELECT payload FROM outbox WHERE name = 'model.user.updated' AND payload->'record'->>'uid' = $1 AND payload->'changes' ? 'data' ORDER BY id`, [me.uid]);
    assert.equal(events.length, 2);
    assert.equal(events[0].payload.record.email, me.email);
    assert.deepEqual(events[0].payload.changes, { data: null });
    assert.deepEqual(events[1].payload.changes, { data: '{"language":"ru"}' });
  });

  test('missing or blank data → resource.user.missing_data / empty_data', async () => {
    const { client } = await signedIn();
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', {})), errors(422, 'resource.user.missing_data', 'resource.user.empty_data'));
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', { data: '  ' })), errors(422, 'resource.user.empty_data'));
  });

  test('data must be JSON of at most 1024 characters', async () => {
    const { client, me } = await signedIn();
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', { data: '{oops' })), errors(422, 'data.invalid_format'));
    const long = JSON.stringify({ k: 'x'.repeat(1100) });
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', { data: long })), errors(422, 'data.too_long'));
    const exactly = JSON.stringify({ k: 'x'.repeat(1024 - 8) });
    assert.equal(exactly.length, 1024);
    const oneMore = JSON.stringify({ k: 'x'.repeat(1024 - 7) });
    assert.equal(oneMore.length, 1025);
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/me', { data: oneMore })), errors(422, 'data.too_long'));
    assert.equal((await client.send('PUT', '/resource/users/me', { data: exactly })).status, 200, '1024 characters are allowed');
    const [{ data }] = await t.c.db.query<{ data: string }>('SELECT data FROM users WHERE uid = $1', [me.uid]);
    assert.equal(data, exactly);
  });
});

describe('PUT /resource/users/password', () => {
  async function passwordActivities(uid: string) {
    return t.c.db.query<{ action: string; result: string; data: string | null; user_agent: string }>(
      `SELECT action, result, data, user_agent FROM activities WHERE user_id = $1 AND topic = 'password' ORDER BY id`, [await userIdOf(uid)]);
  }

  test('changes the password (201), keeps the sessions, emits the event, mails the user, logs the activity', async () => {
    const { client, me, email } = await signedIn();
    const r = await client.send('PUT', '/resource/users/password', { old_password: STRONG_PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    assert.equal(r.status, 201, JSON.stringify(r.body));

    assert.equal((await client.get('/resource/users/me')).status, 200, 'the current session survives a password change');
    assert.deepEqual(answer(await new Client(t).login(email, STRONG_PASSWORD)), errors(401, 'identity.session.invalid_params'));
    assert.equal((await new Client(t).login(email, NEW_PASSWORD)).status, 200);

    const events = await t.c.db.query<{ payload: { record: { user: { uid: string; email: string }; domain: string } } }>(
      `SELECT payload FROM outbox WHERE name = 'system.user.password.change' AND payload->'record'->'user'->>'uid' = $1`, [me.uid]);
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.record.user.email, email);
    assert.equal(typeof events[0].payload.record.domain, 'string');

    const mail = await t.smtp.waitFor(email, /Your password was changed/);
    assert.ok(mail.rcptTo.includes(email));

    assert.deepEqual(await passwordActivities(me.uid), [{ action: 'password change', result: 'succeed', data: null, user_agent: UA }]);
  });

  test('failures: mismatch 422, wrong old 400, unchanged 400, weak 422; each logs a failed activity with its reason', async () => {
    const { client, me, email } = await signedIn();
    const change = (old_password: string, new_password: string, confirm_password = new_password) =>
      client.send('PUT', '/resource/users/password', { old_password, new_password, confirm_password });

    assert.deepEqual(answer(await change(STRONG_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + 'x')), errors(422, 'resource.password.doesnt_match'));
    assert.deepEqual(answer(await change('Wrong-Passw0rd', NEW_PASSWORD)), errors(400, 'resource.password.prev_pass_not_correct'));
    assert.deepEqual(answer(await change(STRONG_PASSWORD, STRONG_PASSWORD)), errors(400, 'resource.password.no_change_provided'));
    assert.deepEqual(answer(await change(STRONG_PASSWORD, 'Password1aaa')), errors(422, 'password.weak'));
    assert.deepEqual(answer(await change('Wrong-Passw0rd', NEW_PASSWORD, 'other')), errors(422, 'resource.password.doesnt_match'), 'the match is checked first');

    const acts = await passwordActivities(me.uid);
    assert.deepEqual(acts.map((a) => [a.action, a.result]), Array(5).fill(['password change', 'failed']));
    const reasons = acts.map((a) => JSON.parse(a.data!).reason as string);
    assert.deepEqual(reasons.slice(0, 3), ["New passwords don't match", 'Previous password is not correct', 'New password cant be the same, as old one']);
    assert.match(reasons[3], /weak/i, 'the policy failure is the reason');
    assert.equal(reasons[4], "New passwords don't match");

    assert.equal((await new Client(t).login(email, STRONG_PASSWORD)).status, 200, 'the password is unchanged');
    const [{ n }] = await t.c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE name = 'system.user.password.change' AND payload->'record'->'user'->>'uid' = $1`, [me.uid]);
    assert.equal(n, 0);
  });

  test('wrong old passwords count as failed logins of the account (RATE_LIMIT_LOGIN_ACCOUNT): a session buys no extra guesses', async () => {
    const app = await startTestApp({ RATE_LIMIT_LOGIN_ACCOUNT: '3/900' });
    try {
      const email = uniqueEmail('guess');
      const client = await activeUser(app, email);
      const change = (old_password: string) => client.send('PUT', '/resource/users/password', { old_password, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      for (let i = 0; i < 3; i++) assert.deepEqual(answer(await change(`Wrong-Passw0rd${i}`)), errors(400, 'resource.password.prev_pass_not_correct'), `guess ${i + 1}`);
      assert.deepEqual(answer(await change(STRONG_PASSWORD)), errors(429, 'resource.password.too_many_requests'), 'even the right one, until the window ends');
      assert.deepEqual(answer(await new Client(app).login(email)), errors(429, 'identity.session.too_many_requests'), 'one budget with the login');
      assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD })), errors(429, 'resource.user.too_many_requests'), 'and with self-deletion');
    } finally {
      await app.close();
    }
  });

  test('missing params → every missing_*/empty_* key in declaration order', async () => {
    const { client } = await signedIn();
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/password', {})), errors(422,
      'resource.user.missing_old_password', 'resource.user.empty_old_password',
      'resource.user.missing_new_password', 'resource.user.empty_new_password',
      'resource.user.missing_confirm_password', 'resource.user.empty_confirm_password'));
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/password', { old_password: STRONG_PASSWORD, new_password: ' ', confirm_password: NEW_PASSWORD })),
      errors(422, 'resource.user.empty_new_password'));
  });
});

describe('DELETE /resource/users/me', () => {
  test('a wrong password → 422 resource.user.invalid_password; a blank otp_code → empty_otp_code; missing password', async () => {
    const { client, me } = await signedIn();
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: 'Wrong-Passw0rd' })), errors(422, 'resource.user.invalid_password'));
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD, otp_code: ' ' })), errors(422, 'resource.user.empty_otp_code'));
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', {})), errors(422, 'resource.user.missing_password', 'resource.user.empty_password'));
    const [{ state }] = await t.c.db.query<{ state: string }>('SELECT state FROM users WHERE uid = $1', [me.uid]);
    assert.equal(state, 'active');
  });

  test('with 2FA on: no otp_code → missing_otp_code, a wrong one → invalid_otp', async () => {
    const { client, me } = await signedIn();
    await t.c.db.query('UPDATE users SET otp = true WHERE uid = $1', [me.uid]);
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD })), errors(422, 'resource.user.missing_otp_code'));
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD, otp_code: '000000' })), errors(422, 'resource.user.invalid_otp'));
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: 'Wrong-Passw0rd', otp_code: '000000' })), errors(422, 'resource.user.invalid_password'),
      'the password is checked first');
    const [{ state }] = await t.c.db.query<{ state: string }>('SELECT state FROM users WHERE uid = $1', [me.uid]);
    assert.equal(state, 'active');
  });

  test('success: 200, state deleted by the private label delete=by_user, event, no more logins', async () => {
    const { client, me, email } = await signedIn();
    const token = jwtFor(me);
    const r = await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD });
    assert.equal(r.status, 200, JSON.stringify(r.body));

    const [{ state }] = await t.c.db.query<{ state: string }>('SELECT state FROM users WHERE uid = $1', [me.uid]);
    assert.equal(state, 'deleted');
    const labels = await t.c.db.query<{ key: string; value: string; scope: string }>(
      'SELECT key, value, scope FROM labels WHERE user_id = $1 ORDER BY key', [await userIdOf(me.uid)]);
    assert.deepEqual(labels.map((l) => ({ ...l })), [{ key: 'delete', value: 'by_user', scope: 'private' }, { key: 'email', value: 'verified', scope: 'private' }]);

    const events = await t.c.db.query<{ payload: { record: { user: { uid: string; state: string } } } }>(
      `SELECT payload FROM outbox WHERE name = 'system.user.account.deleted' AND payload->'record'->'user'->>'uid' = $1`, [me.uid]);
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.record.user.state, 'deleted');

    assert.deepEqual(answer(await new Client(t).login(email, STRONG_PASSWORD)), errors(401, 'identity.session.deleted'));
    assert.deepEqual(answer(await bearerCall('GET', '/resource/users/me', token)), errors(401, 'authz.user_not_active'));
    // §10.4: deleting does not delete sessions; the state refuses them
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.user_not_active'));
    const gate = await t.app.inject({ method: 'GET', url: `${t.c.config.AUTHZ_PREFIX}${t.prefix}/resource/users/me`, headers: { cookie: `${t.c.config.SESSION_COOKIE_NAME}=${client.cookie}`, 'user-agent': client.ua } });
    assert.deepEqual([gate.statusCode, gate.json()], [401, { errors: ['authz.user_not_active'] }]);
  });
});
