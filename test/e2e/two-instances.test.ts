import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startSmtpServer, tokenFrom, type SmtpCapture } from '../helpers/smtp.js';
import { openTestDb } from '../helpers/test-db.js';
import { freePort } from '../helpers/net.js';

/**
 * Two built Warden processes on one PostgreSQL database and one Redis, sharing their keys: a
 * session opened on one is honoured (and ended) on the other, a policy change announced on the
 * pub/sub channel reaches the other within a second, and an instance with another signing key
 * is refused at boot. PostgreSQL and Redis are always on localhost, so this runs in either mode.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UA = 'Mozilla/5.0 (e2e two instances)';
const PG_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `warden-e2e2:${randomBytes(4).toString('hex')}:`;


const rsaPem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

interface Instance { name: string; child: ChildProcess; origin: string; output: () => string; dataDir: string }

const instances: Instance[] = [];
let smtp: SmtpCapture;
let dbUrl: string;
let dropDb: (() => Promise<void>) | undefined;
const JWT_PRIVATE_KEY = rsaPem();
const ENCRYPTION_KEY = randomBytes(32).toString('hex');

/** Spawns `node dist/cli.js serve` in its own process group. */
async function spawnInstance(name: string, overrides: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `warden-e2e2-${name}-`));
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    PORT: String(port), DATA_DIR: dataDir, SMTP_URL: smtp.url, LOG_LEVEL: 'info',
    DATABASE_URL: dbUrl, REDIS_URL, REDIS_PREFIX: PREFIX, JWT_PRIVATE_KEY, ENCRYPTION_KEY,
    ...overrides,
  };
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const inst = { name, child, origin: `http://127.0.0.1:${port}`, output: () => out, dataDir };
  instances.push(inst);
  return inst;
}

async function waitReady(inst: Instance): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try { if ((await fetch(`${inst.origin}/api/v2/auth/identity/ping`)).ok) return; } catch { /* not up yet */ }
    if (inst.child.exitCode !== null || Date.now() > deadline) throw new Error(`instance ${inst.name} did not start:\n${inst.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let A: Instance;
let B: Instance;

before(async () => {
  smtp = await startSmtpServer();
  // openTestDb gives a throwaway PostgreSQL database only when DATABASE_URL is set; PostgreSQL
  // is always on localhost, so point it there when it is not.
  process.env.DATABASE_URL ??= PG_DEFAULT;
  const tdb = await openTestDb({ migrated: false });
  await tdb.db.close();
  dbUrl = tdb.url!;
  dropDb = tdb.cleanup;
  A = await spawnInstance('A');
  await waitReady(A); // A migrates the empty database and records the key fingerprints
  B = await spawnInstance('B');
  await waitReady(B);
});

after(async () => {
  for (const inst of instances) {
    if (inst.child.exitCode === null && inst.child.signalCode === null) { try { process.kill(-inst.child.pid!, 'SIGKILL'); } catch { /* gone */ } }
  }
  await smtp?.close();
  await dropDb?.();
  for (const inst of instances) fs.rmSync(inst.dataDir, { recursive: true, force: true });
});

/** One cookie, sent to whichever instance. */
function browser() {
  const jar = { cookie: '' };
  const call = async (origin: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(origin + p, {
      method, headers: { 'user-agent': UA, ...(jar.cookie ? { cookie: jar.cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
    if (set) jar.cookie = set.split(';')[0].endsWith('=') ? '' : set.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, authorization: res.headers.get('authorization') };
  };
  return { call, jar };
}

const ME = '/api/v2/auth/resource/users/me';
const gatewayMe = (origin: string) => `${origin}/api/v2/authz${ME}`;
const jwtPayload = (authorization: string) => JSON.parse(Buffer.from(authorization.replace(/^Bearer /, '').split('.')[1], 'base64url').toString('utf8'));
const jwtHeader = (authorization: string) => JSON.parse(Buffer.from(authorization.replace(/^Bearer /, '').split('.')[0], 'base64url').toString('utf8'));

test('two instances on one database and one Redis: shared sessions, logout, policy propagation, key mismatch refused', async (t) => {
  const email = `two${Date.now()}@example.com`;
  const password = 'Tecohvi0-Xq';
  const { call } = browser();

  // sign up + confirm + log in, all on A
  const signup = await call(A.origin, 'POST', '/api/v2/auth/identity/users', { email, password });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const mail = await smtp.waitFor(email, /Confirm your email/, 15_000);
  const confirmed = await call(A.origin, 'POST', '/api/v2/auth/identity/users/email/confirm_code', { token: tokenFrom(mail) });
  assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
  assert.equal(confirmed.body.state, 'active');

  const session = browser();
  const login = await session.call(A.origin, 'POST', '/api/v2/auth/identity/sessions', { email, password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const uid = login.body.uid as string;
  assert.ok(uid && session.jar.cookie, 'login returns the uid and sets the session cookie');

  await t.test('the session opened on A is honoured by B', async () => {
    const viaB = await session.call(B.origin, 'GET', `/api/v2/authz${ME}`);
    assert.equal(viaB.status, 200, JSON.stringify(viaB.body));
    assert.ok(viaB.authorization?.startsWith('Bearer '), 'B mints a JWT');
    assert.equal(jwtPayload(viaB.authorization!).uid, uid);

    const viaA = await session.call(A.origin, 'GET', `/api/v2/authz${ME}`);
    assert.equal(viaA.status, 200);
    assert.equal(jwtHeader(viaA.authorization!).kid, jwtHeader(viaB.authorization!).kid, 'both instances sign with the shared key');

    const me = await session.call(B.origin, 'GET', ME);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.uid, uid);
    assert.equal(me.body.email, email);
  });

  await t.test('logout on B ends the session on A', async () => {
    const cookie = session.jar.cookie;
    const logout = await session.call(B.origin, 'DELETE', '/api/v2/auth/identity/sessions');
    assert.equal(logout.status, 200, JSON.stringify(logout.body));
    // the jar was cleared by the logout's Set-Cookie: replay the old cookie explicitly
    const gw = await fetch(gatewayMe(A.origin), { headers: { 'user-agent': UA, cookie } });
    assert.equal(gw.status, 401);
    assert.deepEqual(await gw.json(), { errors: ['authz.invalid_session'] });
    const me = await fetch(A.origin + ME, { headers: { 'user-agent': UA, cookie } });
    assert.equal(me.status, 401);
  });

  await t.test('a permission change announced on the channel takes effect on B within a second', async () => {
    const again = browser();
    assert.equal((await again.call(A.origin, 'POST', '/api/v2/auth/identity/sessions', { email, password })).status, 200);
    assert.equal((await again.call(B.origin, 'GET', `/api/v2/authz${ME}`)).status, 200, 'allowed before the change');

    const client = new pg.Client({ connectionString: dbUrl });
    const redis = new Redis(REDIS_URL);
    try {
      await client.connect();
      await client.query("INSERT INTO permissions (action, role, verb, path) VALUES ('DROP','member','GET','api/v2/auth/resource/users')");
      const t0 = performance.now();
      await redis.publish(`${PREFIX}policy-changed`, 'permissions');
      let last: { status: number; body: unknown } = { status: 0, body: null };
      let elapsed = 0;
      for (;;) {
        const res = await fetch(gatewayMe(B.origin), { headers: { 'user-agent': UA, cookie: again.jar.cookie } });
        last = { status: res.status, body: await res.json().catch(() => null) };
        elapsed = performance.now() - t0;
        if (res.status === 401 || elapsed >= 1000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      t.diagnostic(`policy change reached B after ${elapsed.toFixed(1)} ms`);
      assert.deepEqual(last, { status: 401, body: { errors: ['authz.invalid_permission'] } });
      assert.ok(elapsed < 1000, `propagation took ${elapsed.toFixed(1)} ms`);
      // A hears about it through the channel too; its reload runs on its own schedule, so poll
      // it against the same one-second budget instead of assuming it finished before B.
      let onA = 0;
      for (;;) {
        onA = (await fetch(gatewayMe(A.origin), { headers: { 'user-agent': UA, cookie: again.jar.cookie } })).status;
        if (onA === 401 || performance.now() - t0 >= 1000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(onA, 401, `A still allowed the call ${(performance.now() - t0).toFixed(1)} ms after the announcement`);
    } finally {
      await client.end().catch(() => undefined);
      redis.disconnect();
    }
  });

  await t.test('a third instance with another JWT_PRIVATE_KEY on the same database refuses to start', async () => {
    const C = await spawnInstance('C', { JWT_PRIVATE_KEY: rsaPem() });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance C is still running after 60 s:\n${C.output()}`)), 60_000);
      const done = () => { clearTimeout(timer); resolve(C.child.exitCode); };
      C.child.once('close', done); // after exit and after stdout/stderr are drained
    });
    assert.notEqual(code, 0, C.output());
    assert.notEqual(code, null, `exited by a signal:\n${C.output()}`);
    assert.match(C.output(), /JWT_PRIVATE_KEY/);
    // the running instances are unaffected
    assert.equal((await fetch(`${A.origin}/api/v2/auth/identity/ping`)).status, 200);
    assert.equal((await fetch(`${B.origin}/api/v2/auth/identity/ping`)).status, 200);
  });
});
