import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const DEFAULT_CONFIGS = {
  session_expire_time: 1800,
  captcha_type: 'none',
  phone_verification_type: 'mock',
  password_min_entropy: 14,
  password_regexp: '(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)',
};

/** Rows of the BARONG.md §15.2 reference table. */
const ENTROPY: [string, number][] = [
  ['Password1', 2], ['Qq123123', 5.5], ['Moon2020!', 9], ['testPassword111', 14.125], ['Gol4aid1', 15],
  ['Iequ4geiEWQw', 19.59375], ['Xwqe213PZCXwe', 21.21875], ['', -2], ['a', 2],
];

for (const group of ['identity', 'public'] as const) {
  describe(`${group} general endpoints`, () => {
    test('GET ping → {"ping":"pong"}', async () => {
      const r = await new Client(t).get(`/${group}/ping`);
      assert.deepEqual([r.status, r.body], [200, { ping: 'pong' }]);
      assert.match(String(r.headers['content-type']), /^application\/json/);
    });

    test('GET time → the current unix time as an integer', async () => {
      const r = await new Client(t).get(`/${group}/time`);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body), ['time']);
      assert.ok(Number.isInteger(r.body.time), 'an integer');
      assert.ok(Math.abs(r.body.time - Date.now() / 1000) < 30, 'close to now');
    });

    test('GET version → git_tag, git_sha, build_date, version', async () => {
      const r = await new Client(t).get(`/${group}/version`);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body).sort(), ['build_date', 'git_sha', 'git_tag', 'version']);
      for (const k of ['build_date', 'git_sha', 'git_tag', 'version']) assert.equal(typeof r.body[k], 'string', k);
      assert.equal(r.body.version, r.body.git_tag);
      assert.match(r.body.version, /^\d+\.\d+\.\d+/);
      assert.ok(!Number.isNaN(Date.parse(r.body.build_date)), 'build_date is a date');
    });

    test('GET configs → Barong\'s defaults exactly (no captcha_id without a captcha)', async () => {
      const r = await new Client(t).get(`/${group}/configs`);
      assert.deepEqual([r.status, r.body], [200, DEFAULT_CONFIGS]);
    });

    test('POST password/validate → 201 with the §15.2 entropy; missing password → 422', async () => {
      const c = new Client(t);
      for (const [password, entropy] of ENTROPY) {
        const r = await c.post(`/${group}/password/validate`, { password });
        assert.deepEqual([r.status, r.body], [201, { entropy }], `entropy of ${JSON.stringify(password)}`);
      }
      const form = await c.call('POST', `/${group}/password/validate`, { body: { password: 'Gol4aid1' }, form: true });
      assert.deepEqual([form.status, form.body], [201, { entropy: 15 }]);
      const r = await c.post(`/${group}/password/validate`, {});
      assert.deepEqual([r.status, r.body], [422, { errors: [`${group}.general.missing_password`] }]);
    });
  });
}

describe('JSON null parameters are never a 500', () => {
  test('password/validate scores a null password like an empty one', async () => {
    for (const group of ['identity', 'public']) {
      const r = await new Client(t).post(`/${group}/password/validate`, { password: null });
      assert.deepEqual([r.status, r.body], [201, { entropy: -2 }], group);
    }
  });

  test('sign-up treats null optional params (username, refid, data, captcha_response) as absent', async () => {
    const r = await new Client(t).signup(uniqueEmail(), STRONG_PASSWORD, { username: null, refid: null, data: null, captcha_response: null });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.username, null);
    assert.equal(r.body.referral_uid, null);
    assert.equal(r.body.data, null);
  });
});

describe('multipart/form-data parameters (§1.1)', () => {
  const form = (fields: Record<string, string>, file = false) => {
    const boundary = 'x-warden-test-boundary';
    let body = '';
    for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    if (file) body += `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
    return { payload: `${body}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'user-agent': 'multipart-test' } };
  };

  test('sign-up and password/validate take their parameters from a multipart form; a stray file is ignored', async () => {
    const email = uniqueEmail();
    const r = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, ...form({ email, password: STRONG_PASSWORD }, true) });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(JSON.parse(r.body).email, email);
    const v = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/password/validate`, ...form({ password: 'Gol4aid1' }) });
    assert.deepEqual([v.statusCode, JSON.parse(v.body)], [201, { entropy: 15 }]);
    const missing = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, ...form({ email: '' }) });
    assert.deepEqual([missing.statusCode, JSON.parse(missing.body)], [422, { errors: ['identity.user.empty_email', 'identity.user.missing_password', 'identity.user.empty_password'] }]);
  });

  test('a multipart body without a boundary, or cut off, is a 400, never a 500', async () => {
    const noBoundary = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, payload: 'x', headers: { 'content-type': 'multipart/form-data' } });
    assert.deepEqual([noBoundary.statusCode, JSON.parse(noBoundary.body)], [400, { errors: ['server.request.invalid_body'] }]);
    const { headers } = form({});
    const cut = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users`, payload: '--x-warden-test-boundary\r\nContent-Disposition: form-data; name="email"\r\n\r\nabc', headers });
    assert.equal(cut.statusCode, 400, cut.body);
  });
});

describe('register_geetest', () => {
  test('without geetest set up the body is the JSON string "" (Barong renders its failure as JSON)', async () => {
    const r = await new Client(t).get('/identity/users/register_geetest');
    assert.deepEqual([r.status, r.body], [200, '']);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const raw = await t.app.inject({ method: 'GET', url: `${t.prefix}/identity/users/register_geetest` });
    assert.equal(raw.body, '""');
  });
});

describe('routing, ops and documentation', () => {
  test('an unknown route under the prefix → 404 {"error":"Route is not found"}', async () => {
    for (const [method, path] of [['GET', '/identity/nope'], ['POST', '/identity/sessions/whatever'], ['GET', '/nothing/here'], ['PUT', '/identity/ping']]) {
      const r = await new Client(t).call(method, path);
      assert.deepEqual([r.status, r.body], [404, { error: 'Route is not found' }], `${method} ${path}`);
    }
  });

  test('GET /health/live and /health/ready', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    assert.deepEqual([live.statusCode, live.json()], [200, { status: 'ok' }]);
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ok', checks: { database: 'ok', kv: 'ok' } }]);
  });

  test('GET /metrics is Prometheus text that counts the API requests', async () => {
    assert.equal((await new Client(t).get('/identity/ping')).status, 200);
    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.match(r.body, /# TYPE warden_http_requests_total counter/);
    const line = new RegExp(`^warden_http_requests_total\\{method="GET",route="${t.prefix}/identity/ping",status="200"\\} [1-9]\\d*$`, 'm');
    assert.match(r.body, line, 'identity requests are counted');
  });

  test('GET <prefix>/resource/swagger_doc → an OpenAPI 3 document with the identity and resource routes', async () => {
    const r = await t.app.inject({ method: 'GET', url: `${t.prefix}/resource/swagger_doc` });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    assert.match(doc.openapi, /^3\./);
    assert.equal(typeof doc.info.title, 'string');
    const paths = Object.keys(doc.paths);
    assert.ok(paths.includes(`${t.prefix}/identity/sessions`), 'identity/sessions documented');
    assert.ok(paths.includes(`${t.prefix}/resource/users/me`), 'resource/users/me documented');
    assert.ok(doc.paths[`${t.prefix}/identity/sessions`].post, 'login documented');
    assert.ok(doc.paths[`${t.prefix}/identity/sessions`].delete, 'logout documented');
    assert.ok(!paths.includes(`${t.prefix}/resource/swagger_doc`), 'the document itself is hidden');
  });

  test('GET /docs serves the HTML UI', async () => {
    let r = await t.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; (r.statusCode === 301 || r.statusCode === 302) && hops < 3; hops++) {
      const location = String(r.headers.location);
      r = await t.app.inject({ method: 'GET', url: location.startsWith('/') ? location : `/docs/${location.replace(/^\.\//, '')}` });
    }
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(r.body, /<html/i);
  });
});

describe('CORS', () => {
  test('a preflight with an Origin gets Access-Control-Allow-Origin; error responses carry it too', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS', url: `${t.prefix}/identity/sessions`,
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.ok(pre.statusCode === 204 || pre.statusCode === 200, `preflight status ${pre.statusCode}`);
    assert.equal(pre.headers['access-control-allow-origin'], '*', 'CORS_ORIGINS=* answers * (no credentials), not the echoed origin');
    assert.equal(pre.headers['access-control-allow-credentials'], undefined);
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    assert.match(String(pre.headers['access-control-allow-methods']), /DELETE/);

    const failed = await t.app.inject({
      method: 'POST', url: `${t.prefix}/identity/sessions`, headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
      payload: JSON.stringify({ email: uniqueEmail('nobody'), password: 'x' }),
    });
    assert.equal(failed.statusCode, 401);
    assert.equal(failed.headers['access-control-allow-origin'], '*', 'CORS headers on a 401');
  });

  test('with CORS_ORIGINS set, a listed origin is allowed and an unknown one gets no CORS headers', async () => {
    const app = await startTestApp({ CORS_ORIGINS: 'https://app.example.com' });
    try {
      const preflight = (origin: string) => app.app.inject({
        method: 'OPTIONS', url: `${app.prefix}/identity/sessions`, headers: { origin, 'access-control-request-method': 'POST' },
      });
      const ok = await preflight('https://app.example.com');
      assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.equal(ok.headers['access-control-allow-credentials'], 'true');
      const other = await preflight('https://evil.example.net');
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    } finally {
      await app.close();
    }
  });
});

describe('bootstrap of the first superadmin', () => {
  test('FIRST_REGISTRATION_SUPERADMIN=true: the first sign-up is an active superadmin at level 1 without a confirmation mail; the second is a pending member', async () => {
    const app = await startTestApp({ FIRST_REGISTRATION_SUPERADMIN: 'true' });
    try {
      const firstEmail = uniqueEmail('first');
      const first = await new Client(app).signup(firstEmail);
      assert.equal(first.status, 201);
      assert.equal(first.body.role, 'superadmin');
      assert.equal(first.body.state, 'active');
      assert.equal(first.body.level, 1);
      assert.deepEqual(first.body.labels.map((l: { key: string; value: string; scope: string }) => [l.key, l.value, l.scope]), [['email', 'verified', 'private']]);
      assert.match(first.body.csrf_token, /^[0-9a-f]{20}$/);

      const secondEmail = uniqueEmail('second');
      const second = await new Client(app).signup(secondEmail);
      assert.equal(second.status, 201);
      assert.equal(second.body.role, 'member');
      assert.equal(second.body.state, 'pending');
      assert.equal(second.body.level, 0);
      assert.deepEqual(second.body.labels, []);
      await app.smtp.waitFor(secondEmail, /Confirm your email/);

      await app.c.mailer.drainOnce();
      assert.equal(app.smtp.received.filter((m) => m.rcptTo.includes(firstEmail)).length, 0, 'no mail to the first user');
      const [{ n }] = await app.c.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE name = 'system.user.email.confirmation.token' AND payload->'record'->'user'->>'email' = $1`, [firstEmail]);
      assert.equal(n, 0, 'no confirmation event for the first user');
    } finally {
      await app.close();
    }
  });

  test('FIRST_REGISTRATION_SUPERADMIN defaults to false: no sign-up ever becomes a superadmin', async () => {
    const r = await new Client(t).signup(uniqueEmail());
    assert.equal(r.status, 201);
    assert.equal(r.body.role, 'member');
    assert.equal(r.body.state, 'pending');
    const [{ n }] = await t.c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'superadmin'`);
    assert.equal(n, 0, 'not even the first user of this app');
  });

  test('ADMIN_EMAIL/ADMIN_PASSWORD: that user exists as an active superadmin and can log in', async () => {
    const email = uniqueEmail('admin');
    const app = await startTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: STRONG_PASSWORD });
    try {
      const rows = await app.c.db.query<{ role: string; state: string; level: number }>('SELECT role, state, level FROM users WHERE email = $1', [email]);
      assert.deepEqual(rows, [{ role: 'superadmin', state: 'active', level: 1 }]);
      const c = new Client(app);
      const r = await c.login(email);
      assert.equal(r.status, 200);
      assert.equal(r.body.role, 'superadmin');
      assert.equal(r.body.state, 'active');
      assert.equal(r.body.email, email);
      const me = await c.get('/resource/users/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.role, 'superadmin');
      assert.equal((await new Client(app).login(email, 'Wrong-Pass-9x')).status, 401);
    } finally {
      await app.close();
    }
  });
});
