import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';
import { enableOtp } from '../../helpers/otp.js';
import { freePort } from '../../helpers/net.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { codeOf, mailAfter, useEmailCodes } from '../nbc/nbc-client.js';

/** A stand-in Auth0 tenant: only its JWKS document, on 127.0.0.1, counting requests. */
class Tenant {
  keys: JWK[] = [];
  fetches = 0;
  private constructor(readonly server: http.Server, readonly base: string) {}

  static async start(): Promise<Tenant> {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = new Tenant(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      if (req.url !== '/.well-known/jwks.json') { res.statusCode = 404; res.end(); return; }
      t.fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: t.keys }));
    });
    return t;
  }

  async newKey(kid: string, publish = true): Promise<CryptoKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    if (publish) this.keys.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
    return privateKey;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const CLIENT_ID = 'auth0-client-id';
let t: TestApp;
let tenant: Tenant;
let key: CryptoKey;

before(async () => {
  tenant = await Tenant.start();
  key = await tenant.newKey('k1');
  t = await startTestApp({ AUTH0_DOMAIN: tenant.base, AUTH0_CLIENT_ID: CLIENT_ID });
});
after(async () => { await t.close(); await tenant.close(); });

interface Claims { sub?: string; email?: string; email_verified?: boolean; aud?: string; iss?: string; exp?: number; iat?: number }

/** An ID token as the tenant would issue it (valid unless `over` says otherwise). */
function idToken(over: Claims = {}, signWith = key, kid = 'k1'): Promise<string> {
  const now = Math.floor(t.clock.now() / 1000);
  const claims = { sub: 'auth0|default', email_verified: true, aud: CLIENT_ID, iss: `${tenant.base}/`, iat: now, exp: now + 3600, ...over };
  return new SignJWT(claims as Record<string, unknown>).setProtectedHeader({ alg: 'RS256', kid }).sign(signWith);
}

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];
const auth0 = (client: Client, body: Record<string, unknown>) => client.post('/identity/sessions/auth0', body);

async function activities(uid: string): Promise<string[]> {
  const rows = await t.c.db.query<{ topic: string; action: string; result: string }>(
    'SELECT a.topic, a.action, a.result FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 ORDER BY a.id', [uid]);
  return rows.map((r) => `${r.topic}/${r.action}/${r.result}`);
}

describe('GET /public/configs/auth0', () => {
  test('the configured domain and client id', async () => {
    const res = await new Client(t).get('/public/configs/auth0');
    assert.deepEqual(answer(res), [200, { auth0_domain: tenant.base, auth0_client_id: CLIENT_ID }]);
  });
});

describe('POST /identity/sessions/auth0', () => {
  test('a new verified email: 201 UserWithFullInfo + csrf_token, active user, label, linked, activities, event', async () => {
    const email = uniqueEmail('a0new');
    const client = new Client(t);
    const res = await auth0(client, { id_token: await idToken({ sub: `auth0|${email}`, email }) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.email, email);
    assert.equal(res.body.state, 'active');
    assert.match(res.body.csrf_token, /^[0-9a-f]{20}$/);
    assert.ok(res.body.labels.some((l: { key: string; value: string }) => l.key === 'email' && l.value === 'verified'));
    assert.equal((await client.get('/resource/users/me')).status, 200, 'the session cookie works');
    assert.deepEqual(await activities(res.body.uid), ['account/signup/succeed', 'session/login/succeed']);
    const [{ n }] = await t.c.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE name = 'system.session.create' AND payload::text LIKE $1", [`%${res.body.uid}%`]);
    assert.equal(n, 1);
    const [row] = await t.c.db.query<{ provider: string; subject: string }>('SELECT provider, subject FROM oauth_identities i JOIN users u ON u.id = i.user_id WHERE u.uid = $1', [res.body.uid]);
    assert.deepEqual({ ...row }, { provider: 'auth0', subject: `auth0|${email}` });
  });

  test('an existing user signs in with a verified email and is linked; later found by subject even with another email', async () => {
    const email = uniqueEmail('a0old');
    const owner = await activeUser(t, email);
    const uid = (await owner.get('/resource/users/me')).body.uid;
    const first = await auth0(new Client(t), { id_token: await idToken({ sub: `auth0|old-${email}`, email }) });
    assert.deepEqual([first.status, first.body.uid], [201, uid]);
    const renamed = await auth0(new Client(t), { id_token: await idToken({ sub: `auth0|old-${email}`, email: uniqueEmail('renamed'), email_verified: false }) });
    assert.deepEqual([renamed.status, renamed.body.uid], [201, uid]);
  });

  test('unverified email: refused for an unlinked existing account and for a new one (401)', async () => {
    const email = uniqueEmail('a0unv');
    await activeUser(t, email);
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: await idToken({ sub: 'auth0|unv1', email, email_verified: false }) })), errors(401, 'identity.session.auth0.invalid_params'));
    const fresh = uniqueEmail('a0unvnew');
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: await idToken({ sub: 'auth0|unv2', email: fresh, email_verified: false }) })), errors(401, 'identity.session.auth0.invalid_params'));
    assert.equal(await usersRepo.byEmail(t.c.db, fresh), null);
  });

  test('no email claim → 401', async () => {
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: await idToken({ sub: 'auth0|noemail' }) })), errors(401, 'identity.session.auth0.invalid_params'));
  });

  test('bad tokens → 422: another key, wrong audience, wrong issuer, expired, HS256, garbage', async () => {
    const email = uniqueEmail('a0bad');
    const stranger = await tenant.newKey('k1', false);
    const now = Math.floor(t.clock.now() / 1000);
    const hs = await new SignJWT({ sub: 'auth0|hs', email, email_verified: true, aud: CLIENT_ID, iss: `${tenant.base}/`, iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));
    const bad = [
      await idToken({ email }, stranger),
      await idToken({ email, aud: 'another-application' }),
      await idToken({ email, iss: 'https://evil.example.com/' }),
      await idToken({ email, iat: now - 7200, exp: now - 3600 }),
      hs,
      'not.a.token',
    ];
    for (const token of bad) assert.deepEqual(answer(await auth0(new Client(t), { id_token: token })), errors(422, 'identity.session.auth0.invalid_params'));
    assert.equal(await usersRepo.byEmail(t.c.db, email), null);
  });

  test('parameters: missing or blank id_token', async () => {
    assert.deepEqual(answer(await auth0(new Client(t), {})), errors(422, 'identity.session.missing_id_token', 'identity.session.empty_id_token'));
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: ' ' })), errors(422, 'identity.session.empty_id_token'));
  });

  test('a banned user is refused like at password login (fix #11)', async () => {
    const email = uniqueEmail('a0ban');
    const owner = await activeUser(t, email);
    const uid = (await owner.get('/resource/users/me')).body.uid;
    const user = (await usersRepo.byUid(t.c.db, uid))!;
    await t.c.db.tx((q) => t.c.identity.labels.setPrivate(q, user, 'ban', 'true'));
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: await idToken({ sub: `auth0|${email}`, email }) })), errors(401, 'identity.session.banned'));
    assert.equal((await activities(uid)).at(-1), 'session/login/failed');
  });

  test('2FA is required like at password login (fix #11): missing 401, wrong 403, right 201', async () => {
    const email = uniqueEmail('a0otp');
    const owner = await activeUser(t, email);
    const otp = await enableOtp(t, owner);
    const uid = (await owner.get('/resource/users/me')).body.uid;
    const token = await idToken({ sub: `auth0|${email}`, email });
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: token })), errors(401, 'identity.session.missing_otp'));
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: token, otp_code: otp.code(5) })), errors(403, 'identity.session.invalid_otp'));
    const ok = await auth0(new Client(t), { id_token: token, otp_code: otp.code() });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual((await activities(uid)).slice(-2), ['session/login::2fa/failed', 'session/login::2fa/succeed']);
  });

  test('codes by mail (chosen on the NBC door) are required too: without → 401 and a code is mailed, wrong 403, the mailed code 201 once', async () => {
    const email = uniqueEmail('a0mail');
    const owner = await activeUser(t, email);
    await useEmailCodes(t, email);
    const uid = (await owner.get('/resource/users/me')).body.uid;
    const token = await idToken({ sub: `auth0|${email}`, email });
    let first: Res | undefined;
    const code = codeOf(await mailAfter(t, email, /sign-in code/, async () => { first = await auth0(new Client(t), { id_token: token }); }));
    assert.deepEqual(answer(first!), errors(401, 'identity.session.missing_otp'));
    const refused = new Client(t);
    assert.deepEqual(answer(await auth0(refused, { id_token: token, otp_code: code === '000000' ? '111111' : '000000' })), errors(403, 'identity.session.invalid_otp'));
    assert.equal(refused.cookie, undefined);
    const client = new Client(t);
    const ok = await auth0(client, { id_token: token, otp_code: code });
    assert.deepEqual([ok.status, ok.body.uid], [201, uid], JSON.stringify(ok.body));
    assert.equal((await client.get('/resource/users/me')).status, 200, 'the session cookie works');
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: token, otp_code: code })), errors(403, 'identity.session.invalid_otp'), 'single use');
    assert.deepEqual((await activities(uid)).slice(-3), ['session/login::2fa/failed', 'session/login::2fa/succeed', 'session/login::2fa/failed']);
    while (await t.c.identity.limiter.hit('tfa-mail', email, t.c.identity.settings.rates.resetAccount));
    assert.deepEqual(answer(await auth0(new Client(t), { id_token: token })), errors(429, 'identity.session.too_many_requests'), 'past the mail limit');
  });

  test('the key set is cached, and fetched again when a token names a new key (rotation)', async () => {
    const before = tenant.fetches;
    for (let i = 0; i < 3; i++) assert.equal((await auth0(new Client(t), { id_token: await idToken({ sub: 'auth0|cache', email: 'cache-user@example.com' }) })).status, 201);
    assert.equal(tenant.fetches, before, 'no fetch while the cached set has the key');
    const rotated = await tenant.newKey('k2');
    t.clock.advance(61); // a refresh on an unknown key is allowed once a minute
    const res = await auth0(new Client(t), { id_token: await idToken({ sub: 'auth0|cache', email: 'cache-user@example.com' }, rotated, 'k2') });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(tenant.fetches, before + 1);
  });
});

describe('without a reachable or configured tenant', () => {
  test('JWKS unreachable → 422; not configured → 422 and empty strings in the config', async () => {
    const closed = await freePort();
    const down = await startTestApp({ AUTH0_DOMAIN: `http://127.0.0.1:${closed}`, AUTH0_CLIENT_ID: CLIENT_ID });
    const none = await startTestApp();
    try {
      assert.deepEqual(answer(await auth0(new Client(down), { id_token: await idToken({ email: uniqueEmail('down') }) })), errors(422, 'identity.session.auth0.invalid_params'));
      assert.deepEqual(answer(await auth0(new Client(none), { id_token: await idToken({ email: uniqueEmail('none') }) })), errors(422, 'identity.session.auth0.invalid_params'));
      assert.deepEqual(answer(await new Client(none).get('/public/configs/auth0')), [200, { auth0_domain: '', auth0_client_id: '' }]);
    } finally {
      await down.close();
      await none.close();
    }
  });
});
