import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/net.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/*
 * CONTRACT.md: SIGTERM stops accepting, finishes in-flight requests and exits 0. A keep-alive
 * client (fetch's default) holds its connection open after the answer; the server must not wait
 * for it to go away.
 */
test('SIGTERM during a request on a keep-alive connection: the request is answered, then exit 0 at once', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-shutdown-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL; delete env.REDIS_URL; delete env.AMQP_URL;
  const server = spawn(process.execPath, ['dist/cli.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (d) => { output += d; });
  server.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('warden is ready')) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const agent = new http.Agent({ keepAlive: true });
    const body = JSON.stringify({ password: 'Tecohvi0-Xq' });
    // The headers and half the body go out before the signal, the rest after: the request is in flight.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v2/auth/identity/password/validate', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => { server.kill('SIGTERM'); setTimeout(() => req.end(body.slice(5)), 300); }, 200);
    });
    const r = await answer;
    assert.equal(r.status, 201, r.text);
    assert.match(r.text, /"entropy"/);
    const t0 = Date.now();
    const code = await exited;
    assert.equal(code, 0, output.slice(-2000));
    assert.ok(Date.now() - t0 < 5000, `exited ${Date.now() - t0} ms after the last answer`);
    assert.doesNotMatch(output, /shutdown timed out/);
    agent.destroy();
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
