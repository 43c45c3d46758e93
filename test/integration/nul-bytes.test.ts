import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { UA } from '../helpers/client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const post = async (url: string, payload: string, type = 'application/json') => {
  const r = await t.app.inject({ method: 'POST', url, headers: { 'content-type': type, 'user-agent': UA }, payload });
  return { status: r.statusCode, body: r.body ? r.json() : null };
};

test('a NUL in a JSON body is a 400 in each door\'s dialect, never a 500', async () => {
  const email = JSON.stringify('victim\u0000@example.com');
  assert.deepEqual(await post(`${t.prefix}/identity/sessions`, `{"email":${email},"password":"x"}`), { status: 400, body: { errors: ['server.request.invalid_body'] } });
  assert.deepEqual(await post(`${t.prefix}/identity/users/password/generate_code`, `{"email":${email}}`), { status: 400, body: { errors: ['server.request.invalid_body'] } });
  const nebeus = await post('/signin/1.0/json', `{"login":${email},"password":"x"}`);
  assert.equal(nebeus.body.error.code, -32700, JSON.stringify(nebeus));
  const nbc = await post('/auth/sign-in', `{"email":${email},"password":"password1"}`);
  assert.equal(nbc.status, 400, JSON.stringify(nbc));
});

test('a NUL in a query string or form body is dropped', async () => {
  const r = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users/password/generate_code?email=a%00b%40example.com`, headers: { 'user-agent': UA } });
  assert.equal(r.statusCode, 201, r.body);
  assert.equal((await post(`${t.prefix}/identity/users/password/generate_code`, 'email=c%00d%40example.com', 'application/x-www-form-urlencoded')).status, 201);
  const bracketed = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/users/password/generate_code?email=e%00f%40example.com&x[]=1`, headers: { 'user-agent': UA } });
  assert.equal(bracketed.statusCode, 201, bracketed.body);
});
