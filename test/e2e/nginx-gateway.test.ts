import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db/db.js';
import { Encryptor } from '../../src/lib/aead.js';
import { apiKeySignature } from '../../src/lib/hmac.js';
import { startSmtpServer, tokenFrom, type SmtpCapture } from '../helpers/smtp.js';
import { openTestDb } from '../helpers/test-db.js';
import { freePort } from '../helpers/net.js';

/*
 * The built Warden behind a real nginx (auth_request), with a downstream service that trusts
 * only the JWT nginx forwards and verifies it against Warden's JWKS. Everything the client does
 * goes through nginx. Needs nginx, PostgreSQL and Redis (CI installs/starts all three): the test
 * writes API keys and restrictions into Warden's database itself and announces policy and user
 * changes on Warden's Redis pub/sub channels.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UA = 'Mozilla/5.0 (e2e nginx)';
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function findNginx(): string | null {
  for (const bin of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    const r = spawnSync(bin, ['-v'], { stdio: 'ignore' });
    if (!r.error && r.status === 0) return bin;
  }
  return null;
}
const NGINX = findNginx();
if (!NGINX && process.env.CI) throw new Error('nginx is not installed (.ci/run installs it)');
const skip = NGINX ? false : 'nginx is not installed';


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs: number, alive: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { if (await ok()) return; } catch { /* not yet */ }
    const dead = alive();
    if (dead !== null) throw new Error(`${what}: ${dead}`);
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await sleep(150);
  }
}

function killGroup(p: ChildProcess | undefined): void {
  if (p && p.exitCode === null && p.signalCode === null) { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } }
}

// ---- the downstream service: trusts only a Warden JWT, verified against the JWKS ----------

interface Jwk extends crypto.JsonWebKey { kid?: string }
const b64url = (s: string) => Buffer.from(s, 'base64url');

function startDownstream(jwksUrl: string) {
  let keys = new Map<string, crypto.KeyObject>();
  const refresh = async () => {
    const doc = await (await fetch(jwksUrl)).json() as { keys: Jwk[] };
    keys = new Map(doc.keys.map((jwk) => [jwk.kid!, crypto.createPublicKey({ key: jwk, format: 'jwk' })]));
  };
  const verify = async (authorization: string | undefined): Promise<Record<string, unknown> | null> => {
    const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
    if (!m) return null;
    const header = JSON.parse(b64url(m[1]).toString('utf8')) as { alg?: string; kid?: string };
    if (header.alg !== 'RS256' || !header.kid) return null;
    if (!keys.has(header.kid)) await refresh();
    const key = keys.get(header.kid);
    if (!key) return null;
    if (!crypto.verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), key, b64url(m[3]))) return null;
    const claims = JSON.parse(b64url(m[2]).toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
    return claims;
  };
  const hits: { method: string; url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    req.resume();
    verify(req.headers.authorization).then((claims) => {
      res.writeHead(claims ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(claims ? { claims } : { error: 'no or bad token' }));
    }, (err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err.message }));
    });
  });
  return { server, hits };
}

// ---- nginx configuration ------------------------------------------------------------------

function nginxConf(tmp: string, port: number, warden: number, downstream: number): string {
  const authz = `http://127.0.0.1:${warden}/api/v2/authz$request_uri`;
  // The check, as a protected location. auth_request subrequests are always GET without a
  // body, hence X-Original-Method; $request_uri keeps the query string.
  const check = `
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Cookie $http_cookie;`;
  // auth_request only passes 401 and 403 of the check on; any other status (Warden's
  // maintenance/blacklist restriction codes such as 471) becomes nginx's own 500, and the
  // check's body is dropped either way. `return` takes no variable status, so the mapping
  // replays the check in a named location and relays Warden's answer (status and JSON body)
  // as is; `error_page … =` takes the status of that answer. $authz_status (captured with
  // auth_request_set, which nginx sets whatever the check answered) tells a check failure from
  // any other nginx-made error, which stays 500. Errors of the proxied services themselves are
  // not intercepted (proxy_intercept_errors is off). The cost: a denied request is checked twice.
  const guarded = (upstream: number) => `
      auth_request /_authz;
      auth_request_set $authz $upstream_http_authorization;
      auth_request_set $authz_status $upstream_status;
      error_page 401 403 500 = @authz_error;
      proxy_set_header Authorization $authz;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_pass http://127.0.0.1:${upstream};`;
  return `daemon off;
pid ${tmp}/nginx.pid;
error_log ${tmp}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = /_authz {
      internal;
      proxy_pass ${authz};${check}
    }
    location @authz_error {
      if ($authz_status !~ "^[1-9][0-9][0-9]$") { return 500; }
      proxy_pass ${authz};${check}
    }
    location /api/v2/auth/ {${guarded(warden)}
    }
    location /api/v2/peatio/ {${guarded(downstream)}
    }
  }
}
`;
}

// ---- the fixture --------------------------------------------------------------------------

const REDIS_PREFIX = `warden-e2e-nginx:${crypto.randomBytes(4).toString('hex')}:`;
const ENCRYPTION_KEY = crypto.randomBytes(32).toString('hex');

let smtp: SmtpCapture | undefined;
let warden: ChildProcess | undefined;
let nginx: ChildProcess | undefined;
let downstream: ReturnType<typeof startDownstream> | undefined;
let db: Db | undefined;
let dropDb: (() => Promise<void>) | undefined;
let redis: Redis | undefined;
let gw = '';
let wardenOut = '';
let nginxOut = '';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-e2e-nginx-'));
const nginxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-e2e-nginx-conf-'));

before(async () => {
  if (skip) return;
  smtp = await startSmtpServer();
  // Always a throwaway PostgreSQL database (the test writes into it while Warden runs).
  process.env.DATABASE_URL = PG_URL;
  const tdb = await openTestDb({ migrated: false });
  db = tdb.db;
  dropDb = tdb.cleanup;
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();

  const wardenPort = await freePort();
  const jwtKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const env: Record<string, string> = {
    ...process.env as Record<string, string>, PORT: String(wardenPort), DATA_DIR: dataDir, SMTP_URL: smtp.url, LOG_LEVEL: 'warn',
    DATABASE_URL: tdb.url!, REDIS_URL, REDIS_PREFIX, ENCRYPTION_KEY, JWT_PRIVATE_KEY: jwtKey, JWT_ALGORITHM: 'RS256',
  };
  warden = spawn(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  warden.stdout!.on('data', (d) => { wardenOut += d; });
  warden.stderr!.on('data', (d) => { wardenOut += d; });
  const wardenDead = () => (warden!.exitCode !== null ? `Warden exited:\n${wardenOut}` : null);
  await waitUntil('Warden did not start', async () => (await fetch(`http://127.0.0.1:${wardenPort}/api/v2/auth/identity/ping`)).ok, 90_000, wardenDead);

  downstream = startDownstream(`http://127.0.0.1:${wardenPort}/.well-known/jwks.json`);
  await new Promise<void>((r) => downstream!.server.listen(0, '127.0.0.1', r));
  const downstreamPort = (downstream.server.address() as net.AddressInfo).port;

  const nginxPort = await freePort();
  // Workers of a root master run as nobody: they must reach the temp paths.
  fs.chmodSync(nginxDir, 0o755);
  const conf = path.join(nginxDir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConf(nginxDir, nginxPort, wardenPort, downstreamPort));
  nginx = spawn(NGINX!, ['-c', conf, '-p', nginxDir, '-e', path.join(nginxDir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  nginx.stdout!.on('data', (d) => { nginxOut += d; });
  nginx.stderr!.on('data', (d) => { nginxOut += d; });
  gw = `http://127.0.0.1:${nginxPort}`;
  const errorLog = () => { try { return fs.readFileSync(path.join(nginxDir, 'error.log'), 'utf8'); } catch { return ''; } };
  const nginxDead = () => (nginx!.exitCode !== null ? `nginx exited:\n${nginxOut}\n${errorLog()}` : null);
  await waitUntil('nginx did not start', async () => (await fetch(`${gw}/api/v2/auth/identity/ping`)).ok, 15_000, nginxDead);
});

after(async () => {
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
    // A fast shutdown lets the master reap its worker; the group kill is the fallback.
    const exited = new Promise<void>((r) => nginx!.once('exit', () => r()));
    try { process.kill(nginx.pid!, 'SIGTERM'); } catch { /* gone */ }
    await Promise.race([exited, sleep(3000)]);
  }
  killGroup(nginx);
  killGroup(warden);
  await new Promise<void>((r) => (downstream ? downstream.server.close(() => r()) : r()));
  downstream?.server.closeAllConnections();
  await smtp?.close();
  if (redis) {
    const keys = await redis.keys(`${REDIS_PREFIX}*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys).catch(() => undefined);
    redis.disconnect();
  }
  await dropDb?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(nginxDir, { recursive: true, force: true });
});

/** A request through nginx; JSON bodies parsed, anything else kept as text. */
async function call(method: string, p: string, opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(gw + p, {
    method,
    headers: { 'user-agent': UA, ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: body as any, headers: res.headers };
}

const hits = () => downstream!.hits.length;
const announce = (channel: 'policy-changed' | 'user-changed', message: string) => redis!.publish(REDIS_PREFIX + channel, message);

const email = `nginx${Date.now()}@example.com`;
const password = 'Tecohvi0-Xq';
let cookie = '';
let uid = '';

// ---- the tests ------------------------------------------------------------------------------

test('pass rules through nginx: ping, sign up, confirm by mail, log in', { skip }, async () => {
  assert.deepEqual(await call('GET', '/api/v2/auth/identity/ping').then((r) => [r.status, r.body]), [200, { ping: 'pong' }]);

  const signup = await call('POST', '/api/v2/auth/identity/users', { body: { email, password } });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const mail = await smtp!.waitFor(email, /Confirm your email/, 15_000);
  const confirmed = await call('POST', '/api/v2/auth/identity/users/email/confirm_code', { body: { token: tokenFrom(mail) } });
  assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
  assert.equal(confirmed.body.state, 'active');

  const login = await call('POST', '/api/v2/auth/identity/sessions', { body: { email, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  assert.match(login.body.csrf_token, /\S/);
  const set = login.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
  assert.ok(set, 'the session cookie comes back through nginx');
  cookie = set.split(';')[0];
  uid = login.body.uid;
  assert.match(uid, /^ID/);

  // Warden's own resource API behind the same check.
  const me = await call('GET', '/api/v2/auth/resource/users/me', { cookie });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.email, email);
});

test('session cookie: the downstream gets a JWT it verifies with the JWKS; without a cookie it is never reached', { skip }, async () => {
  const before = hits();
  const ok = await call('GET', '/api/v2/peatio/account/balances?currency=btc', { cookie });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(hits(), before + 1);
  assert.equal(downstream!.hits.at(-1)!.url, '/api/v2/peatio/account/balances?currency=btc');
  const { claims } = ok.body;
  assert.equal(claims.uid, uid);
  assert.equal(claims.email, email);
  assert.equal(claims.role, 'member');
  assert.equal(claims.state, 'active');

  const anon = await call('GET', '/api/v2/peatio/account/balances');
  assert.equal(anon.status, 401);
  assert.deepEqual(anon.body, { errors: ['authz.invalid_session'] }, 'Warden\'s error body, relayed by the error_page mapping');
  assert.equal(hits(), before + 1, 'the downstream was not reached');

  // A client cannot smuggle its own token: nginx replaces Authorization with the check's.
  // Even a genuine token (the one just minted) is dropped on a pass route.
  const stolen = downstream!.hits.at(-1)!.authorization!;
  const pass = await call('GET', '/api/v2/peatio/public/markets', { headers: { authorization: stolen } });
  assert.equal(hits(), before + 2, 'pass route: the downstream is reached');
  assert.deepEqual([pass.status, pass.body], [401, { error: 'no or bad token' }]);
  assert.equal(downstream!.hits.at(-1)!.authorization, undefined, 'no Authorization header reached the downstream');
});

test('API key: a signed request reaches the downstream as the key holder; a reused nonce is refused', { skip }, async () => {
  const [user] = await db!.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  await db!.query('UPDATE users SET otp = true WHERE email = $1', [email]);
  await announce('user-changed', uid); // drops Warden's cached snapshot of the user
  const kid = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('hex');
  await db!.query(
    `INSERT INTO apikeys (key_holder_account_id, key_holder_account_type, kid, algorithm, scope, secret_encrypted, state)
     VALUES ($1, 'User', $2, 'HS256', '[]', $3, 'active')`,
    [user.id, kid, new Encryptor(Buffer.from(ENCRYPTION_KEY, 'hex')).encrypt(secret)]);

  const signed = (nonce: string) => ({ 'x-auth-apikey': kid, 'x-auth-nonce': nonce, 'x-auth-signature': apiKeySignature(secret, nonce, kid, 'HS256') });
  let nonce = String(Date.now());
  const before = hits();
  let ok = await call('GET', '/api/v2/peatio/account/orders', { headers: signed(nonce) });
  if (ok.status === 401 && ok.body?.errors?.[0] === 'authz.disabled_2fa') {
    // the user-changed announcement raced the request: retry with a fresh nonce
    await sleep(300);
    nonce = String(Date.now());
    ok = await call('GET', '/api/v2/peatio/account/orders', { headers: signed(nonce) });
  }
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(hits(), before + 1);
  assert.equal(ok.body.claims.uid, uid);
  assert.equal(ok.body.claims.email, email);
  assert.equal(ok.body.claims.role, 'member');

  const again = await call('GET', '/api/v2/peatio/account/orders', { headers: signed(nonce) });
  assert.deepEqual([again.status, again.body], [401, { errors: ['authz.nonce_reused'] }]);
  assert.equal(hits(), before + 1, 'the downstream was not reached');

  const bad = await call('GET', '/api/v2/peatio/account/orders', { headers: { ...signed(String(Date.now())), 'x-auth-signature': '00'.repeat(32) } });
  assert.deepEqual([bad.status, bad.body], [401, { errors: ['authz.invalid_signature'] }]);
  assert.equal(hits(), before + 1);
});

test('a blocked path and a denied permission answer 401 and never reach the service', { skip }, async () => {
  const before = hits();
  const blocked = await call('GET', '/api/v2/auth/management/anything', { cookie });
  assert.deepEqual([blocked.status, blocked.body], [401, { errors: ['authz.permission_denied'] }]);
  const blockedPeatio = await call('POST', '/api/v2/peatio/management/deposits', { cookie });
  assert.equal(blockedPeatio.status, 401);

  const denied = await call('GET', '/api/v2/peatio/admin/x', { cookie });
  assert.deepEqual([denied.status, denied.body], [401, { errors: ['authz.invalid_permission'] }]);
  assert.equal(hits(), before, 'the downstream was not reached');
});

test('maintenance: the restriction\'s own status (471) and Warden\'s body reach the client through nginx', { skip }, async () => {
  // The default seeds hold this rule disabled; enable it (or create it) with Barong's code 471.
  await db!.query(`INSERT INTO restrictions (category, scope, value, code, state) VALUES ('maintenance', 'all', 'all', 471, 'enabled')
                   ON CONFLICT (scope, category, value) DO UPDATE SET code = 471, state = 'enabled', updated_at = now()`);
  try {
    await announce('policy-changed', 'restrictions');
    let last: Awaited<ReturnType<typeof call>> | undefined;
    await waitUntil('maintenance never applied', async () => (last = await call('GET', '/api/v2/peatio/public/markets')).status === 471, 10_000)
      .catch((e: Error) => { throw new Error(`${e.message}; last answer ${last?.status} ${JSON.stringify(last?.body)}`); });
    assert.deepEqual(last!.body, { errors: ['authz.restrict.maintenance'] });
    // Polls answered before the reload landed may have reached the service: count from here.
    const during = hits();
    const account = await call('GET', '/api/v2/peatio/account/balances', { cookie });
    assert.deepEqual([account.status, account.body], [471, { errors: ['authz.restrict.maintenance'] }]);
    assert.equal((await call('GET', '/api/v2/peatio/public/markets')).status, 471);
    assert.equal(hits(), during, 'the downstream was not reached');
  } finally {
    await db!.query("UPDATE restrictions SET state = 'disabled' WHERE category = 'maintenance'");
    await announce('policy-changed', 'restrictions');
  }
  await waitUntil('maintenance never lifted', async () => (await call('GET', '/api/v2/peatio/account/balances', { cookie })).status === 200, 10_000);
  assert.equal((await call('GET', '/api/v2/peatio/public/markets')).status, 401, 'the downstream answers again (no token on a pass route)');
});
