import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startSmtpServer, tokenFrom, type SmtpCapture } from '../helpers/smtp.js';
import { openTestDb } from '../helpers/test-db.js';
import { freePort } from '../helpers/net.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UA = 'Mozilla/5.0 (e2e)';


let server: ChildProcess;
let smtp: SmtpCapture;
let base: string;
let output = '';
let dropDb: (() => Promise<void>) | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-e2e-'));

before(async () => {
  smtp = await startSmtpServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}/api/v2/auth`;
  const env: Record<string, string> = {
    ...process.env as Record<string, string>, PORT: String(port), DATA_DIR: dataDir, SMTP_URL: smtp.url, LOG_LEVEL: 'info',
    REDIS_PREFIX: `warden-e2e:${randomBytes(4).toString('hex')}:`,
  };
  if (process.env.DATABASE_URL) {
    // a throwaway database: the server migrates it itself
    const tdb = await openTestDb({ migrated: false });
    await tdb.db.close();
    env.DATABASE_URL = tdb.url!;
    dropDb = tdb.cleanup;
  }
  // Own process group, so `after` can always reap npm, sh and node together.
  server = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stdout!.on('data', (d) => { output += d; });
  server.stderr!.on('data', (d) => { output += d; });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try { if ((await fetch(`${base}/identity/ping`)).ok) break; } catch { /* not up yet */ }
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

after(async () => {
  if (server.exitCode === null) { try { process.kill(-server.pid!, 'SIGKILL'); } catch { /* gone */ } }
  await smtp.close();
  await dropDb?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** fetch with a cookie jar of one cookie. */
function browser() {
  let cookie = '';
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + p, {
      method, headers: { 'user-agent': UA, ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
    if (set) cookie = set.split(';')[0].endsWith('=') ? '' : set.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

test('the built server, started with npm start: sign up, confirm by mail, log in, change password, log out, stop', async () => {
  const email = `e2e${Date.now()}@example.com`;
  const b = browser();
  const signup = await b('POST', '/identity/users', { email, password: 'Tecohvi0-Xq' });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  assert.equal(signup.body.state, 'pending');

  const mail = await smtp.waitFor(email, /Confirm your email/, 15_000);
  const confirmed = await b('POST', '/identity/users/email/confirm_code', { token: tokenFrom(mail) });
  assert.equal(confirmed.status, 201);
  assert.equal(confirmed.body.state, 'active');
  assert.equal(confirmed.body.level, 1);

  const b2 = browser();
  const login = await b2('POST', '/identity/sessions', { email, password: 'Tecohvi0-Xq' });
  assert.equal(login.status, 200);
  const csrf = login.body.csrf_token as string;
  await smtp.waitFor(email, /New login/, 15_000);

  const me = await b2('GET', '/resource/users/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.email, email);

  const noCsrf = await b2('PUT', '/resource/users/password', { old_password: 'Tecohvi0-Xq', new_password: 'Gol4aid1-Zw', confirm_password: 'Gol4aid1-Zw' });
  assert.deepEqual([noCsrf.status, noCsrf.body], [401, { errors: ['authz.missing_csrf_token'] }]);
  const changed = await b2('PUT', '/resource/users/password', { old_password: 'Tecohvi0-Xq', new_password: 'Gol4aid1-Zw', confirm_password: 'Gol4aid1-Zw' }, { 'x-csrf-token': csrf });
  assert.equal(changed.status, 201);
  await smtp.waitFor(email, /password was changed/i, 15_000);

  const logout = await b2('DELETE', '/identity/sessions');
  assert.equal(logout.status, 200);
  assert.deepEqual(await b2('GET', '/resource/users/me').then((r) => [r.status, r.body]), [401, { errors: ['jwt.decode_and_verify'] }]);

  assert.equal((await browser()('POST', '/identity/sessions', { email, password: 'Tecohvi0-Xq' })).status, 401, 'old password refused');
  assert.equal((await browser()('POST', '/identity/sessions', { email, password: 'Gol4aid1-Zw' })).status, 200, 'new password works');

  assert.ok(!output.includes('Tecohvi0-Xq') && !output.includes('Gol4aid1-Zw'), 'passwords never reach the log');
  assert.ok(!output.includes(csrf), 'csrf tokens never reach the log');

  // npm does not forward signals to its script: signal the server itself (its pid is in the
  // ready line); npm then exits with the server's exit code.
  const ready = output.split('\n').find((l) => l.includes('warden is ready'));
  const pid = JSON.parse(ready!).pid as number;
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  process.kill(pid, 'SIGTERM');
  assert.equal(await exited, 0, `graceful shutdown exits 0:\n${output.slice(-2000)}`);
  assert.match(output, /shutting down/);
});
