import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/net.js';
import { openTestDb } from '../helpers/test-db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function start(env: NodeJS.ProcessEnv) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-wait-'));
  const server = spawn(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (d) => { output += d; });
  server.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  return {
    server, exited, output: () => output,
    cleanup: () => { if (server.exitCode === null) server.kill('SIGKILL'); fs.rmSync(dataDir, { recursive: true, force: true }); },
  };
}

async function until<T>(what: string, f: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const get = async (port: number, p: string) => {
  const r = await fetch(`http://127.0.0.1:${port}${p}`);
  return { status: r.status, body: await r.json() };
};

const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL; delete env.REDIS_URL; delete env.AMQP_URL;
  return env;
};

test('PostgreSQL and Redis unreachable at boot: live 200, ready 503 naming both, other paths 503; SIGTERM exits 0', async () => {
  const port = await freePort();
  const closed = await freePort();
  const s = start({ ...baseEnv(), PORT: String(port), DATABASE_URL: `postgres://postgres:secret-pw@127.0.0.1:${closed}/x`, REDIS_URL: `redis://:secret-pw@127.0.0.1:${closed}` });
  try {
    const ready = await until('the waiting listener', async () => { const r = await get(port, '/health/ready'); return r.status === 503 ? r : null; });
    assert.deepEqual(ready.body, { status: 'unavailable', checks: { database: 'down', kv: 'down' } });
    assert.deepEqual(await get(port, '/health/live'), { status: 200, body: { status: 'ok' } });
    assert.deepEqual(await get(port, '/api/v2/auth/identity/ping'), { status: 503, body: { errors: ['server.unavailable'] } });
    s.server.kill('SIGTERM');
    assert.equal(await s.exited, 0, s.output().slice(-2000));
    assert.match(s.output(), /waiting for the database/);
    assert.doesNotMatch(s.output(), /secret-pw/, 'the URLs (passwords) are never logged');
  } finally {
    s.cleanup();
  }
});

test('the database comes up later: Warden migrates and serves without a restart', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' }, async () => {
  const tdb = await openTestDb({ migrated: false });
  await tdb.db.close();
  const real = new URL(tdb.url!);
  const proxyPort = await freePort();
  const url = new URL(tdb.url!);
  url.host = `127.0.0.1:${proxyPort}`;
  const port = await freePort();
  const s = start({ ...baseEnv(), PORT: String(port), DATABASE_URL: url.toString() });
  // A TCP relay to the real server on the port the URL names, opened only once Warden waits.
  const relay = net.createServer((c) => { const up = net.connect(Number(real.port || 5432), real.hostname); c.pipe(up).pipe(c); c.on('error', () => up.destroy()); up.on('error', () => c.destroy()); });
  try {
    await until('not ready', async () => ((await get(port, '/health/ready')).status === 503 ? true : null));
    await new Promise<void>((r) => relay.listen(proxyPort, '127.0.0.1', r));
    const ping = await until('ping', async () => { const r = await get(port, '/api/v2/auth/identity/ping'); return r.status === 200 ? r : null; });
    assert.deepEqual(ping.body, { ping: 'pong' });
    assert.deepEqual(await get(port, '/health/ready'), { status: 200, body: { status: 'ok', checks: { database: 'ok', kv: 'ok' } } });
    s.server.kill('SIGTERM');
    assert.equal(await s.exited, 0, s.output().slice(-2000));
  } finally {
    s.cleanup();
    relay.close();
    await tdb.cleanup();
  }
});
