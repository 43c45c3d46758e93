import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, UA } from '../../helpers/client.js';
import { compileTrust } from '../../../src/http/gateway/fast-path.js';
import type { GatewayResult } from '../../../src/domain/authz/gateway.js';

let t: TestApp;
let port: number;
before(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
after(async () => { await t.close(); });

interface Answer { status: number; body: string; authorization?: string; type?: string }

/** One request over a real socket (the fast path), with a raw path that fetch would normalise. */
function overHttp(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { 'user-agent': UA, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text, authorization: res.headers.authorization, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function viaInject(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await t.app.inject({ method: method as 'GET', url: path, headers: { 'user-agent': UA, ...headers } });
  return { status: res.statusCode, body: res.body, authorization: res.headers.authorization as string | undefined, type: res.headers['content-type'] as string | undefined };
}

test('the fast path answers exactly what the Fastify route answers', async () => {
  const client = await activeUser(t);
  const cookie = `_barong_session=${client.cookie}`;
  const cases: [string, string, Record<string, string>][] = [
    ['GET', '/api/v2/authz/api/v2/auth/public/ping', {}],
    ['GET', '/api/v2/authz/api/v2/auth/resource/users/me', {}],
    ['GET', '/api/v2/authz/api/v2/auth/resource/users/me?x=1&x=2', { cookie: `a=b; ${cookie}` }],
    ['POST', '/api/v2/authz/api/v2/auth/resource/users/me', { cookie }],
    ['POST', '/api/v2/authz/api/v2/auth/resource/users/me', { cookie, 'x-csrf-token': client.csrf! }],
    ['GET', '/api/v2/authz/api/v2/auth/admin/users', { cookie }],
    ['GET', '/api/v2/authz/api/v2/auth/management/users', {}],
    ['GET', '/api/v2/authz/api/v2/auth/resource/users/me', { 'x-auth-apikey': 'ffffffffffffffff' }],
    ['GET', '/api/v2/authz/api/v2/auth/resource/../../../etc', {}],
    ['GET', '/api/v2/authz/api/v2/auth/%E0%A4%A', {}],
    ['GET', '/api/v2/authz/api/v2/auth/resource/users/me', { cookie, 'x-original-method': 'DELETE' }],
  ];
  for (const [method, path, headers] of cases) {
    const fast = await overHttp(method, path, headers);
    const slow = await viaInject(method, path, headers);
    assert.equal(fast.status, slow.status, `${method} ${path}`);
    assert.equal(fast.type, slow.type, `${method} ${path}`);
    if (slow.authorization) assert.match(fast.authorization ?? '', /^Bearer /, `${method} ${path}`);
    else assert.equal(fast.authorization, undefined);
    // tokens differ only by issue time and jti; error bodies must be identical
    if (slow.status !== 200) assert.equal(fast.body, slow.body, `${method} ${path}`);
    else assert.equal(fast.body, '');
  }
});

test('X-Forwarded-For is trusted from loopback on the fast path as in Fastify (TRUST_PROXY)', async () => {
  await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blacklist', 'ip', '203.0.113.77', 403, 'enabled')");
  await t.c.policy.changed('restrictions');
  const path = '/api/v2/authz/api/v2/auth/public/ping';
  const end = Date.now() + 3000;
  while ((await overHttp('GET', path, { 'x-forwarded-for': '203.0.113.77' })).status !== 403 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await overHttp('GET', path, { 'x-forwarded-for': '203.0.113.77' }), await viaInject('GET', path, { 'x-forwarded-for': '203.0.113.77' }));
  assert.equal((await overHttp('GET', path, { 'x-forwarded-for': '203.0.113.78' })).status, 200);
  const trustNone = compileTrust(false);
  assert.equal(trustNone('127.0.0.1', 0), false);
  assert.equal(compileTrust(['loopback'])('127.0.0.1', 0), true);
  assert.equal(compileTrust(['10.0.0.0/8'])('127.0.0.1', 0), false);
});

test('a request body never changes the answer and the connection stays usable; other URLs still reach Fastify', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ask = (method: string, path: string, body?: string) => new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { 'user-agent': UA, 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); });
    req.on('error', reject);
    req.end(body);
  });
  try {
    assert.equal(await ask('POST', '/api/v2/authz/api/v2/auth/identity/sessions', JSON.stringify({ big: 'x'.repeat(100_000) })), 200);
    assert.equal(await ask('GET', '/api/v2/authz/api/v2/auth/public/ping'), 200);
    assert.equal(await ask('GET', '/api/v2/auth/identity/ping'), 200);
    assert.equal(await ask('GET', '/api/v2/authz'), 400, 'the prefix alone names no request (without a trusted X-Forwarded-Uri)');
  } finally {
    agent.destroy();
  }
});

test('on the fast path a forwarded body adds its parameters to the admin activity, as on the route', async () => {
  const client = await activeUser(t);
  const uid = (await client.get('/resource/users/me')).body.uid as string;
  const headers = { cookie: `_barong_session=${client.cookie}`, 'x-csrf-token': client.csrf!, 'content-type': 'application/json' };
  const small = await overHttp('POST', '/api/v2/authz/api/v2/auth/admin/users/labels?n=1', headers, JSON.stringify({ uid, key: 'k' }));
  const huge = await overHttp('POST', '/api/v2/authz/api/v2/auth/admin/users/labels?n=2', headers, JSON.stringify({ uid, pad: 'x'.repeat(1_100_000) }));
  assert.deepEqual([small.status, huge.status, huge.body], [401, 401, '{"errors":["authz.invalid_permission"]}']);
  const rowsOf = () => t.c.db.query<{ target_uid: string | null; data: string }>(
    "SELECT a.target_uid, a.data FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 AND a.category = 'admin' ORDER BY a.id", [uid]);
  const end = Date.now() + 3000;
  while ((await rowsOf()).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual((await rowsOf()).map((r) => [r.target_uid, JSON.parse(r.data)]), [
    [uid, { uid, key: 'k', n: '1', path: 'api/v2/auth/admin/users/labels' }],
    [null, { n: '2', path: 'api/v2/auth/admin/users/labels' }], // past 1 MiB a body adds nothing
  ]);
});

test('fast-path requests are counted in /metrics under the route pattern', async () => {
  const before = await t.app.inject({ method: 'GET', url: '/metrics' });
  const count = (text: string) => Number(/warden_http_requests_total\{method="GET",route="\/api\/v2\/authz\/\*",status="401"\} (\d+)/.exec(text)?.[1] ?? 0);
  const n0 = count(before.body);
  for (let i = 0; i < 3; i++) await overHttp('GET', '/api/v2/authz/api/v2/auth/resource/users/me');
  assert.equal(count((await t.app.inject({ method: 'GET', url: '/metrics' })).body), n0 + 3);
});

test('the original method comes from X-Original-Method or X-Forwarded-Method (Traefik), from a trusted peer only', async () => {
  const client = await activeUser(t);
  const cookie = `_barong_session=${client.cookie}`;
  const me = '/api/v2/authz/api/v2/auth/resource/users/me';
  const csrfMissing = '{"errors":["authz.missing_csrf_token"]}';
  // loopback is trusted by default (TRUST_PROXY=loopback): both headers name the method checked
  for (const header of ['x-original-method', 'x-forwarded-method']) {
    const fast = await overHttp('GET', me, { cookie, [header]: 'PUT' });
    assert.deepEqual([fast.status, fast.body], [401, csrfMissing], header);
    assert.deepEqual(await viaInject('GET', me, { cookie, [header]: 'PUT' }).then((r) => [r.status, r.body]), [401, csrfMissing], header);
  }
  // Traefik forwardAuth: the fixed address is the prefix, the original URI and method in headers
  const traefik = { cookie, 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/api/v2/auth/resource/users/me?x=1' };
  const viaTraefik = await overHttp('GET', '/api/v2/authz', traefik);
  assert.equal(viaTraefik.status, 200, viaTraefik.body);
  assert.match(viaTraefik.authorization ?? '', /^Bearer /);
  assert.equal((await viaInject('GET', '/api/v2/authz', traefik)).status, 200);
  assert.deepEqual(await overHttp('GET', '/api/v2/authz', { ...traefik, 'x-forwarded-method': 'POST' }).then((r) => [r.status, r.body]), [401, csrfMissing]);
  assert.equal((await overHttp('GET', '/api/v2/authz', { cookie, 'x-forwarded-uri': '/api/v2/auth/admin/users' })).status, 401, 'a member on an admin path');
  // an untrusted peer cannot turn its POST into a GET to skip CSRF and the write rules
  const strict = await startTestApp({ TRUST_PROXY: 'false' });
  try {
    const c2 = await activeUser(strict);
    const res = await strict.app.inject({ method: 'POST', url: me, headers: { 'user-agent': UA, cookie: `_barong_session=${c2.cookie}`, 'x-original-method': 'GET', 'x-forwarded-method': 'GET' } });
    assert.deepEqual([res.statusCode, res.body], [401, csrfMissing]);
    const bare = await strict.app.inject({ method: 'GET', url: '/api/v2/authz', headers: { 'user-agent': UA, 'x-forwarded-uri': '/api/v2/auth/public/ping' } });
    assert.deepEqual([bare.statusCode, bare.body], [400, '{"errors":["authz.invalid_path"]}'], 'nor name another URI');
  } finally {
    await strict.close();
  }
});

test('a check that fails, at once or later, or gives an answer Node cannot write, answers 500 server.internal_error on both paths; the next request is served', async () => {
  const gateway = t.c.gateway;
  const check = gateway.check;
  // The last two are answers Node cannot write (no status line for 42): the error comes from
  // writing the answer, outside the check, and must not escape as an uncaught exception.
  const unwritable = { allow: false as const, key: 'authz.restrict.blacklist', status: 42 };
  const failures: [string, () => GatewayResult | Promise<GatewayResult>][] = [
    ['thrown', () => { throw new Error('policy store gone'); }],
    ['rejected', () => Promise.reject(new Error('redis gone'))],
    ['unwritable, at once', () => unwritable],
    ['unwritable, later', () => Promise.resolve(unwritable)],
  ];
  const url = '/api/v2/authz/api/v2/auth/resource/users/me';
  try {
    for (const [how, failing] of failures) {
      gateway.check = failing;
      const fast = await overHttp('GET', url);
      assert.deepEqual([fast.status, fast.body], [500, '{"errors":["server.internal_error"]}'], `${how}, fast path`);
      const slow = await viaInject('GET', url);
      assert.deepEqual([slow.status, slow.body], [500, '{"errors":["server.internal_error"]}'], `${how}, Fastify route`);
      gateway.check = check;
      assert.equal((await overHttp('GET', url)).status, 401, `${how}: served again`);
    }
  } finally {
    gateway.check = check;
  }
});

test('a restriction row written around the admin API with no code, or a code no status line can carry, denies with its default code', async () => {
  // NULL: a database migrated from a Barong without codes; 42: a hand-written UPDATE.
  await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blacklist', 'ip', '198.51.100.7', NULL, 'enabled'), ('blacklist', 'ip_subnet', '198.51.101.0/24', 42, 'enabled')");
  try {
    await t.c.policy.reload();
    const ping = '/api/v2/authz/api/v2/auth/public/ping';
    for (const [ip, status] of [['198.51.100.7', 401], ['198.51.101.9', 403]] as const) {
      const headers = { 'x-forwarded-for': ip };
      assert.deepEqual(await overHttp('GET', ping, headers).then((r) => [r.status, r.body]), [status, '{"errors":["authz.restrict.blacklist"]}'], `${ip}, fast path`);
      assert.deepEqual(await viaInject('GET', ping, headers).then((r) => [r.status, r.body]), [status, '{"errors":["authz.restrict.blacklist"]}'], `${ip}, Fastify route`);
    }
  } finally {
    await t.c.db.query("DELETE FROM restrictions WHERE value IN ('198.51.100.7', '198.51.101.0/24')");
    await t.c.policy.reload();
  }
});
