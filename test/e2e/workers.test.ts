import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDb } from '../helpers/test-db.js';
import { freePort } from '../helpers/net.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REDIS_URL = process.env.REDIS_URL;
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => { for (const f of cleanups.reverse()) await f(); });

const childPids = (pid: number): number[] => {
  try { return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number); } catch { return []; }
};

test('WORKERS=2 without PostgreSQL and Redis is a configuration error', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-workers-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, WORKERS: '2' }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /WORKERS: above 1 needs DATABASE_URL and REDIS_URL/);
});

test('WORKERS=2: two processes share the port, a dead worker is replaced, SIGTERM stops all', { skip: !process.env.DATABASE_URL || !REDIS_URL ? 'needs DATABASE_URL and REDIS_URL' : false }, async () => {
  const tdb = await openTestDb({ migrated: false });
  await tdb.db.close();
  cleanups.push(() => tdb.cleanup());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-workers-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, WORKERS: '2', PORT: String(port), LOG_LEVEL: 'info', DATABASE_URL: tdb.url!, REDIS_URL: REDIS_URL!, REDIS_PREFIX: `warden-workers-${process.pid}:` };
  const child: ChildProcess = spawn(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); for (const p of childPids(child.pid!)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } });
  const origin = `http://127.0.0.1:${port}`;
  const ping = async () => { try { return (await fetch(`${origin}/api/v2/auth/identity/ping`)).status; } catch { return 0; } };
  const until = async (cond: () => Promise<boolean> | boolean, what: string) => {
    const end = Date.now() + 90_000;
    while (!(await cond())) { if (Date.now() > end) throw new Error(`${what}:\n${out}`); await new Promise((r) => setTimeout(r, 200)); }
  };
  await until(async () => (await ping()) === 200 && (out.match(/warden is ready/g) ?? []).length === 2, 'two workers did not become ready');
  const workers = childPids(child.pid!);
  assert.equal(workers.length, 2, out);
  // both workers signed with the one key the supervisor made: the JWKS agrees across many requests
  const kids = new Set<string>();
  for (let i = 0; i < 20; i++) kids.add(((await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys[0].kid);
  assert.equal(kids.size, 1);

  process.kill(workers[0], 'SIGKILL');
  await until(() => childPids(child.pid!).length === 2 && !childPids(child.pid!).includes(workers[0]), 'the dead worker was not replaced');
  await until(async () => (await ping()) === 200, 'not answering after the restart');
  assert.match(out, /worker died; starting another/);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, out);
  assert.deepEqual(childPids(child.pid!), []);
});
