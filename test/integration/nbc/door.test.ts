import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, REDACTED } from '../../../src/app.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, uniqueEmail } from '../../helpers/client.js';
import { NbcClient, PASSWORD, codeOf, mailAfter, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

describe('the door on its own', () => {
  test('GET /auth/openapi.json: this door\'s operations only, tagged nbc, without the doubled-slash aliases', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/auth/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    assert.match(doc.info.title, /NBC gate/);
    const paths = Object.keys(doc.paths);
    for (const p of ['/auth/sign-in', '/auth/sign-in/psw/check', '/auth/token/refresh', '/auth/token/check', '/auth/log-out', '/auth/qrcode',
      '/auth/tfa/otp/email', '/auth/recovery/psw', '/auth/recovery/psw/otp/check', '/auth/sign-up/email/get-code', '/auth/sign-up/email/check-code',
      '/auth/sign-up/pss/set', '/auth/sign-up/user/update', '/auth/sign-up/owner/update', '/auth/sign-up/check', '/tfa/reset', '/tfa/otp/reset/{id}',
      '/api/tfa/type', '/api/tfa/otp', '/api/personal/email/otp/check', '/api/personal/psw/otp/check', '/api/timezone/set', '/api/country/{id}', '/api/country/sepa']) {
      assert.ok(paths.includes(p), p);
    }
    assert.ok(!paths.some((p) => p.startsWith('//') || p.startsWith('/api/v2')), paths.join(' '));
    assert.equal(doc.paths['/auth/sign-in'].post.requestBody.content['application/json'].schema.properties.password.minLength, 8);
  });

  test('the Barong door keeps its dialect and is not reachable with a doubled slash', async () => {
    const barong = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/sessions`, payload: { email: uniqueEmail('x'), password: PASSWORD } });
    assert.deepEqual([barong.statusCode, barong.json()], [401, { errors: ['identity.session.invalid_params'] }]);
    const bad = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/sessions`, headers: { 'content-type': 'application/json' }, payload: '{' });
    assert.deepEqual([bad.statusCode, bad.json()], [400, { errors: ['server.request.invalid_body'] }]);
    const doubled = await t.app.inject({ method: 'POST', url: `/${t.prefix}/identity/sessions`, payload: {} });
    assert.equal(doubled.statusCode, 404);
    assert.equal((await t.app.inject({ method: 'POST', url: '///auth/sign-in', payload: {} })).statusCode, 404, 'only a doubled slash');
  });

  test('CORS preflight and unknown paths under /auth fall back to the app defaults (no 500)', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/auth/nothing-here' });
    assert.equal(r.statusCode, 404);
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/auth/sign-in', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    assert.ok(pre.statusCode < 300);
  });
});

describe('secrets never reach the log', () => {
  test('passwords, codes, access and refresh tokens are absent from every log line', async () => {
    const lines: string[] = [];
    const app = await buildApp(t.c, { logger: { level: 'trace', redact: { paths: REDACTED, censor: '[redacted]' }, stream: { write: (s: string) => { lines.push(s); } } } });
    await app.ready();
    try {
      const view: typeof t = { ...t, app };
      const email = uniqueEmail('log');
      await activeUser(view, email);
      const c = new NbcClient(view);
      await c.signIn(email);
      const on = codeOf(await mailAfter(view, email, /sign-in code/, () => c.post('/auth/tfa/otp/email')));
      await c.put('/api/tfa/type', { type: 'email', otp: on });
      const code = codeOf(await mailAfter(view, email, /sign-in code/, () => c.post('/auth/tfa/otp/email', { email, password: PASSWORD }, { token: null })));
      await c.post('/auth/sign-in', { email, password: PASSWORD, otp: '999999' });
      await c.signIn(email, PASSWORD, code);
      const refreshed = await c.post('/auth/token/refresh');
      assert.equal(refreshed.status, 200);
      await c.post('/auth/sign-in', { email, password: 'x' });
      const log = lines.join('');
      assert.ok(lines.length > 5, 'requests were logged');
      for (const secret of [PASSWORD, on, code, c.accessToken!, c.refreshCookie!, String(refreshed.headers['x-refresh-token'])]) {
        assert.ok(!log.includes(secret), `log leaks ${secret.slice(0, 6)}…`);
      }
    } finally {
      await app.close();
    }
  });
});

describe('errors never 500 on bad input', () => {
  test('every body route with garbage bodies answers 4xx in the door dialect', async () => {
    const email = uniqueEmail('fuzz');
    await activeUser(t, email);
    const c = new NbcClient(t);
    await c.signIn(email);
    const routes: [string, string][] = [
      ['POST', '/auth/sign-in'], ['POST', '/auth/sign-in/psw/check'], ['POST', '/auth/tfa/otp/email'], ['POST', '/auth/token/refresh'],
      ['POST', '/auth/token/check'], ['POST', '/auth/log-out'], ['POST', '/auth/recovery/psw'], ['POST', '/auth/recovery/psw/otp/check'],
      ['POST', '/auth/sign-up/email/get-code'], ['POST', '/auth/sign-up/email/check-code'], ['POST', '/auth/sign-up/pss/set'],
      ['POST', '/auth/sign-up/user/update'], ['POST', '/auth/sign-up/owner/update'], ['POST', '/tfa/reset'], ['PUT', '/api/tfa/type'],
      ['POST', '/api/tfa/otp'], ['DELETE', '/api/tfa/otp'], ['POST', '/api/personal/email/otp'], ['POST', '/api/personal/email/otp/check'],
      ['POST', '/api/personal/psw/otp/check'], ['POST', '/api/timezone/set'],
    ];
    const bodies = [{ email: { $ne: 1 }, password: null, otp: 7, code: [], token: {}, refreshToken: true, name: 1, type: 1, timezone: 1 }, [1, 2], 'str', 12];
    for (const [method, url] of routes) {
      for (const body of bodies) {
        const needsToken = url.startsWith('/api/') || url.includes('/update');
        const r = await c.call(method, url, { body, cookie: false, token: needsToken ? c.accessToken : null });
        assert.ok(r.status >= 400 && r.status < 500, `${method} ${url} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
        problems(r);
      }
    }
  });
});
