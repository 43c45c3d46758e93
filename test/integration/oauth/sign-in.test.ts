import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { Client, STRONG_PASSWORD, activeUser, uniqueEmail } from '../../helpers/client.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { Browser, WARDEN, resultOf } from './browser.js';
import { PREFIX, captureFailures, redeem, signInFully, idTokenFor, WARDEN_CLIENT, socialSignIn, startOAuthWorld, toCallback, type OAuthWorld } from './setup.js';

let w: OAuthWorld;
let failures: { details: string[] };
before(async () => { w = await startOAuthWorld(); failures = captureFailures(w); });
const lastFailure = () => failures.details.at(-1);
after(async () => { await w.close(); });

const RESULT = `${WARDEN}/oauth/result`;

async function userRow(email: string) {
  const [u] = await w.t.c.db.query<{ id: number; uid: string; state: string; password_digest: string }>('SELECT id, uid, state, password_digest FROM users WHERE email = $1', [email]);
  return u ? { ...u, id: Number(u.id) } : undefined;
}
async function activities(userId: number): Promise<string[]> {
  const rows = await w.t.c.db.query<{ topic: string; action: string; result: string }>('SELECT topic, action, result FROM activities WHERE user_id = $1 ORDER BY id', [userId]);
  return rows.map((r) => `${r.topic}/${r.action}/${r.result}`);
}
async function events(uid: string, name: string): Promise<number> {
  const rows = await w.t.c.db.query<{ payload: unknown }>('SELECT payload FROM outbox WHERE name = $1', [name]);
  return rows.filter((r) => JSON.stringify(r.payload).includes(uid)).length;
}

describe('sign-in list', () => {
  test('GET identity/oauth lists the configured providers with their sign-in links', async () => {
    const res = await w.t.app.inject({ method: 'GET', url: `${PREFIX}/identity/oauth` });
    assert.deepEqual(res.json(), [
      { provider: 'op', name: 'Test OP', auth_link: `${WARDEN}${PREFIX}/identity/oauth/op` },
      { provider: 'opshort', name: 'opshort', auth_link: `${WARDEN}${PREFIX}/identity/oauth/opshort` },
    ]);
  });
});

describe('redirect → provider login → callback → session', () => {
  test('a new verified email signs up: active account, no password; the token opens a session once', async () => {
    const email = uniqueEmail('social');
    w.op.as({ sub: `new-${email}`, email, email_verified: true });
    const b = new Browser(w.t);
    const start = await b.open(`${WARDEN}${PREFIX}/identity/oauth/op`);
    assert.equal(start.status, 303);
    const authorize = new URL(start.location!);
    assert.equal(authorize.origin + authorize.pathname, `${w.op.issuer}/auth`);
    const q = Object.fromEntries(authorize.searchParams);
    assert.equal(q.client_id, 'warden');
    assert.equal(q.redirect_uri, `${WARDEN}${PREFIX}/identity/oauth/op/callback`);
    assert.equal(q.code_challenge_method, 'S256');
    assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(q.nonce && q.state, 'nonce and state are sent');
    assert.ok(b.cookie('localhost:3000', '_warden_oauth'), 'browser-binding cookie set');

    const result = await socialSignIn(b);
    assert.deepEqual(Object.keys(result), ['result', 'provider', 'token']);
    assert.deepEqual([result.result, result.provider], ['signed_up', 'op']);
    assert.equal(b.cookie('localhost:3000', '_barong_session'), undefined, 'no session before the token is redeemed');

    const other = new Browser(w.t);
    assert.deepEqual(await redeem(other, result.token), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } }, 'another browser');
    b.ua = 'Mozilla/5.0 Other';
    assert.deepEqual(await redeem(b, result.token), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } }, 'another User-Agent');
    b.ua = other.ua;
    const session = await redeem(b, result.token);
    assert.equal(session.status, 200, JSON.stringify(session.body));
    assert.equal(session.body.email, email);
    assert.match(session.body.csrf_token, /^[0-9a-f]{20}$/);
    assert.deepEqual(await redeem(b, result.token), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } }, 'single use');
    const me = await b.client().get('/resource/users/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.email, email);
    assert.equal(me.body.state, 'active');
    assert.equal(me.body.level, 1);

    const u = (await userRow(email))!;
    assert.deepEqual(await activities(u.id), ['account/signup/succeed', 'session/login/succeed']);
    assert.equal(await events(u.uid, 'system.session.create'), 1);
    assert.equal(await events(u.uid, 'model.user.created'), 1);
    const login = await new Client(w.t).login(email, STRONG_PASSWORD);
    assert.deepEqual([login.status, login.body], [401, { errors: ['identity.session.invalid_params'] }], 'no usable password');

    const again = new Browser(w.t);
    const second = await signInFully(again);
    assert.equal(second.result.result, 'signed_in');
    assert.equal(second.session.body.uid, u.uid, 'the same account');
    assert.equal((await again.client().get('/resource/users/me')).body.uid, u.uid);
    const [{ n }] = await w.t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    assert.equal(n, 1);
  });

  test('an email that has an account not linked to the provider is refused (no takeover)', async () => {
    const email = uniqueEmail('victim');
    await activeUser(w.t, email);
    w.op.as({ sub: `attacker-${email}`, email, email_verified: true });
    const b = new Browser(w.t);
    const cb = await b.open(await toCallback(b));
    assert.equal(cb.status, 303);
    assert.deepEqual(resultOf(cb.location!), { result: 'error', error: 'account_exists', provider: 'op' });
    assert.ok(cb.location!.startsWith(RESULT));
    assert.equal(b.cookie('localhost:3000', '_barong_session'), undefined, 'no session');
    const [{ n }] = await w.t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oauth_identities WHERE subject = $1', [`attacker-${email}`]);
    assert.equal(n, 0);
  });

  test('no account is made for an unverified email', async () => {
    const email = uniqueEmail('unverified');
    w.op.as({ sub: `unv-${email}`, email, email_verified: false });
    assert.deepEqual(await socialSignIn(new Browser(w.t)), { result: 'error', error: 'email_not_verified', provider: 'op' });
    assert.equal(await userRow(email), undefined);
  });

  test('the user cancelling at the provider → provider_denied', async () => {
    w.op.as({ sub: 'denier', email: uniqueEmail('deny'), email_verified: true });
    w.op.deny = true;
    try {
      assert.deepEqual(await socialSignIn(new Browser(w.t)), { result: 'error', error: 'provider_denied', provider: 'op' });
    } finally {
      w.op.deny = false;
    }
  });

  test('unknown provider → unknown_provider', async () => {
    const res = await new Browser(w.t).open(`${WARDEN}${PREFIX}/identity/oauth/nope`);
    assert.equal(res.status, 303);
    assert.deepEqual(resultOf(res.location!), { result: 'error', error: 'unknown_provider', provider: 'nope' });
  });

  test('a banned user is refused like at password login', async () => {
    const email = uniqueEmail('banned');
    w.op.as({ sub: `ban-${email}`, email, email_verified: true });
    assert.equal((await signInFully(new Browser(w.t))).session.status, 200);
    const u = (await userRow(email))!;
    const user = (await usersRepo.byId(w.t.c.db, u.id))!;
    await w.t.c.db.tx((q) => w.t.c.identity.labels.setPrivate(q, user, 'ban', 'true'));
    assert.deepEqual(await socialSignIn(new Browser(w.t)), { result: 'error', error: 'banned', provider: 'op' });
    assert.deepEqual((await activities(u.id)).at(-1), 'session/login/failed');
  });
});

describe('state', () => {
  test('forged, other-provider and other-browser states are refused', async () => {
    w.op.as({ sub: 'state-user', email: uniqueEmail('state'), email_verified: true });
    const b = new Browser(w.t);
    const callback = new URL(await toCallback(b));
    const state = callback.searchParams.get('state')!;

    const forged = new URL(callback); forged.searchParams.set('state', `${state.slice(0, -4)}AAAA`);
    assert.equal(resultOf((await b.open(forged.toString())).location!).error, 'invalid_state');
    const garbage = new URL(callback); garbage.searchParams.set('state', 'garbage');
    assert.equal(resultOf((await b.open(garbage.toString())).location!).error, 'invalid_state');
    const missing = new URL(callback); missing.searchParams.delete('state');
    assert.equal(resultOf((await b.open(missing.toString())).location!).error, 'invalid_state');
    const otherProvider = new URL(callback.toString().replace('/oauth/op/callback', '/oauth/opshort/callback'));
    assert.deepEqual(resultOf((await b.open(otherProvider.toString())).location!), { result: 'error', error: 'invalid_state', provider: 'opshort' });
    const elsewhere = new Browser(w.t);
    assert.equal(resultOf((await elsewhere.open(callback.toString())).location!).error, 'invalid_state', 'another browser (no binding cookie)');
    assert.equal(lastFailure(), 'invalid_state: started in another browser');

    assert.equal(resultOf((await b.open(callback.toString())).location!).result, 'signed_up', 'the genuine callback still works');
  });

  test('a state is single use: replaying the callback is refused', async () => {
    w.op.as({ sub: 'replay-user', email: uniqueEmail('replay'), email_verified: true });
    const b = new Browser(w.t);
    const callback = await toCallback(b);
    assert.equal(resultOf((await b.open(callback)).location!).result, 'signed_up');
    const replay = await b.open(callback);
    assert.deepEqual(resultOf(replay.location!), { result: 'error', error: 'invalid_state', provider: 'op' });
    assert.equal(lastFailure(), 'invalid_state: used before');
  });

  test('an expired state is refused', async () => {
    w.op.as({ sub: 'late-user', email: uniqueEmail('late'), email_verified: true });
    const b = new Browser(w.t);
    const callback = await toCallback(b);
    w.t.clock.advance(601);
    assert.equal(resultOf((await b.open(callback)).location!).error, 'invalid_state');
  });
});

describe('ID token', () => {
  test('an ID token issued to another client (wrong audience) is refused', async () => {
    const email = uniqueEmail('aud');
    w.op.as({ sub: `aud-${email}`, email, email_verified: true });
    w.http.replaceIdToken = async (original) => idTokenFor(w, String(decodeJwt(original).nonce));
    try {
      assert.deepEqual(await socialSignIn(new Browser(w.t)), { result: 'error', error: 'invalid_id_token', provider: 'op' });
    } finally {
      w.http.replaceIdToken = null;
    }
    assert.equal(lastFailure(), 'invalid_id_token: op: ERR_JWT_CLAIM_VALIDATION_FAILED (aud)');
    assert.equal(await userRow(email), undefined);
  });

  test('an expired ID token is refused', async () => {
    const email = uniqueEmail('exp');
    w.op.as({ sub: `exp-${email}`, email, email_verified: true });
    const b = new Browser(w.t);
    const callback = await toCallback(b, 'opshort');
    // The provider issues a token for 60 s when the code is exchanged; Warden's clock is 5 minutes on.
    w.t.clock.advance(300);
    assert.deepEqual(resultOf((await b.open(callback)).location!), { result: 'error', error: 'invalid_id_token', provider: 'opshort' });
    assert.equal(lastFailure(), 'invalid_id_token: opshort: ERR_JWT_EXPIRED (exp)');
    assert.equal(await userRow(email), undefined);
  });

  test('an ID token of an earlier sign-in (another nonce) is refused', async () => {
    const email = uniqueEmail('nonce');
    w.op.as({ sub: `nonce-${email}`, email, email_verified: true });
    let swapped = false;
    w.http.replaceIdToken = async () => { swapped = true; return idTokenFor(w, 'nonce-of-another-flow', WARDEN_CLIENT); };
    try {
      assert.equal((await socialSignIn(new Browser(w.t))).error, 'invalid_id_token');
    } finally {
      w.http.replaceIdToken = null;
    }
    assert.ok(swapped);
    assert.equal(lastFailure(), 'invalid_id_token: op: nonce mismatch');
  });
});

describe('gateway check', () => {
  async function gate(method: string, path: string, ip: string) {
    const res = await w.t.app.inject({ method: method as 'GET', url: `/api/v2/authz/${path}`, headers: { 'user-agent': 'Mozilla/5.0', 'x-forwarded-for': ip } });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  }

  test('blocklogin covers the social-login paths (start, callback, sign-in step, Auth0), not the rest of identity', async () => {
    const ip = '203.0.113.77';
    await w.t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blocklogin', 'ip', $1, 423, 'enabled')", [ip]);
    await w.t.c.policy.changed('restrictions');
    const P = 'api/v2/auth';
    const end = Date.now() + 3000;
    while ((await gate('POST', `${P}/identity/sessions`, ip)).status !== 423) {
      if (Date.now() > end) throw new Error('restriction not applied');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const [method, path] of [['GET', 'identity/oauth/op'], ['GET', 'identity/oauth/op/callback'], ['POST', 'identity/oauth/op/callback'], ['POST', 'identity/sessions/oauth'], ['POST', 'identity/sessions/auth0']]) {
      assert.deepEqual(await gate(method, `${P}/${path}`, ip), { status: 423, body: { errors: ['authz.restrict.blocklogin'] } }, path);
    }
    assert.equal((await gate('GET', `${P}/identity/oauth`, ip)).status, 200, 'the provider list is not a login');
    assert.equal((await gate('POST', `${P}/identity/users`, ip)).status, 200);
    assert.equal((await gate('POST', `${P}/identity/oauth/op/callback`, '203.0.113.78')).status, 200, 'other addresses pass');
  });
});
