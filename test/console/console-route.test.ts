import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import type { Container } from '../../src/container.js';
import { consoleRoutes } from '../../src/http/console.js';

/** The /admin route on a directory of its own: a fake build, then none. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-console-route-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const c = { config: { API_PREFIX: '/api/v2/auth', CONSOLE_REJECT_REASONS: ' Blurred | | Expired ' } } as unknown as Container;

async function appOn(root: string) {
  const app = Fastify({ logger: false });
  await app.register(consoleRoutes, { c, dir: root });
  await app.ready();
  return app;
}

test('without a build: 503 with what to run', async () => {
  const app = await appOn(path.join(dir, 'nothing'));
  for (const url of ['/admin', '/admin/users/U1']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 503);
    assert.match(r.headers['content-type'] as string, /^text\/html/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.body, /admin console is not built/);
    assert.match(r.body, /npm run build/);
  }
  await app.close();
});

test('with a build: index for every client route with the settings, hashed assets cached for a year, compressed twins', async () => {
  const built = path.join(dir, 'console');
  fs.mkdirSync(path.join(built, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(built, 'index.html'), '<html><head><!--warden-config--><script type="module" src="/admin/assets/index-abc123.js"></script></head></html>');
  const js = 'console.log("warden");'.repeat(100);
  fs.writeFileSync(path.join(built, 'assets/index-abc123.js'), js);
  fs.writeFileSync(path.join(built, 'assets/index-abc123.js.br'), zlib.brotliCompressSync(js));
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  const app = await appOn(built);

  for (const url of ['/admin', '/admin/', '/admin/users/U1?tab=labels', '/admin/kyc']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 200, url);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.match(r.headers['content-security-policy'] as string, /script-src 'self'/);
    assert.match(r.body, /<script id="warden-config" type="application\/json">\{"apiPrefix":"\/api\/v2\/auth","rejectReasons":\["Blurred","Expired"\],"version":"[^"]+"\}<\/script>/);
  }

  const plain = await app.inject({ url: '/admin/assets/index-abc123.js' });
  assert.equal(plain.statusCode, 200);
  assert.match(plain.headers['content-type'] as string, /^application\/javascript/);
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.headers['x-content-type-options'], 'nosniff');
  assert.equal(plain.body, js);
  const br = await app.inject({ url: '/admin/assets/index-abc123.js', headers: { 'accept-encoding': 'br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.rawPayload).toString(), js);
  assert.equal((await app.inject({ method: 'HEAD', url: '/admin/kyc' })).statusCode, 200);

  assert.equal((await app.inject({ url: '/admin/assets/missing.js' })).statusCode, 404, 'a missing asset is not answered with the page');
  const escape = await app.inject({ url: '/admin/assets/..%2F..%2Fsecret.txt' });
  assert.notEqual(escape.body, 'outside', 'nothing outside the assets directory');
  await app.close();
});
