import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { NebeusClient, activePartner } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const POSTS = ['/signin/1.0/json', '/logout/1.0/json', '/reset_password/1.0/json', '/signup/1.0/json', '/get_countries/1.0/json', '/partner/dashboard'];

describe('JSON-RPC transport of the Nebeus door', () => {
  test('envelope and bare params reach the same endpoint; the envelope id is echoed', async () => {
    const { email } = await activePartner(t);
    const n = new NebeusClient(t);
    const enveloped = await n.signin(email, 'wrong-password', {}, { id: 42 });
    assert.equal(enveloped.status, 200);
    assert.deepEqual(enveloped.body, { id: 42, jsonrpc: '2.0', result: { status: 'error', message: 'Login or password is incorrect' } });
    const bare = await n.signin(email, 'wrong-password', {}, { form: 'bare' });
    assert.deepEqual(bare.body, { id: null, jsonrpc: '2.0', result: { status: 'error', message: 'Login or password is incorrect' } });
    const stringId = await n.call('/logout/1.0/json', {}, { id: 'abc-1' });
    assert.deepEqual(stringId.body, [{ id: 'abc-1', jsonrpc: '2.0', result: { status: 'success' } }]);
  });

  test('malformed JSON: 400 with a JSON-RPC parse error on every POST endpoint', async () => {
    const n = new NebeusClient(t);
    for (const path of POSTS) {
      const r = await n.raw('POST', path, { payload: '{"jsonrpc":"2.0","params":{"login":', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 400, path);
      assert.deepEqual(r.body, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }, path);
    }
  });

  test('a body that is JSON but no request: 400 Invalid Request; a bad envelope: its own code with the id', async () => {
    const n = new NebeusClient(t);
    for (const payload of ['[1,2]', '"text"', '42', 'true']) {
      const r = await n.raw('POST', '/signin/1.0/json', { payload, headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 400, payload);
      assert.deepEqual(r.body, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } }, payload);
    }
    const method = await n.raw('POST', '/signin/1.0/json', { payload: JSON.stringify({ jsonrpc: '2.0', method: 'execute', params: {}, id: 9 }), headers: { 'content-type': 'application/json' } });
    assert.equal(method.status, 400);
    assert.deepEqual(method.body, { jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } });
    const params = await n.raw('POST', '/signin/1.0/json', { payload: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: [1], id: 10 }), headers: { 'content-type': 'application/json' } });
    assert.equal(params.status, 400);
    assert.deepEqual(params.body, { jsonrpc: '2.0', id: 10, error: { code: -32602, message: 'Invalid params' } });
    const version = await n.raw('POST', '/signin/1.0/json', { payload: JSON.stringify({ jsonrpc: '1.0', params: {} }), headers: { 'content-type': 'application/json' } });
    assert.equal(version.status, 400);
    assert.equal(version.body.error.code, -32600);
  });

  test('the body is read as JSON whatever the content type (curl -d sends a form type), or none at all', async () => {
    const n = new NebeusClient(t);
    const form = await n.raw('POST', '/logout/1.0/json', { payload: '{"jsonrpc":"2.0","method":"call","params":{},"id":3}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 200);
    assert.deepEqual(form.body, [{ id: 3, jsonrpc: '2.0', result: { status: 'success' } }]);
    const text = await n.raw('POST', '/get_countries/1.0/json', { payload: '{}', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 200);
    assert.ok(Array.isArray(text.body));
    const empty = await n.raw('POST', '/get_countries/1.0/json');
    assert.equal(empty.status, 200);
    assert.ok(Array.isArray(empty.body));
  });

  test('wrong parameter types are business errors, never a 500', async () => {
    const n = new NebeusClient(t);
    const weird = [{ login: 5, password: ['x'] }, { login: { a: 1 }, password: null }, { login: 'a@b.co', password: true, otp: { x: 1 } }];
    for (const params of weird) {
      const r = await n.call('/signin/1.0/json', params);
      assert.equal(r.status, 200, JSON.stringify(params));
      assert.equal(r.body.result.status, 'error');
    }
    for (const params of [{ login: 5 }, { login: ['a'] }, {}]) {
      const r = await n.call('/reset_password/1.0/json', params);
      assert.equal(r.status, 200);
      assert.equal(r.body[0].result.status, 'error');
    }
    const signup = await n.call('/signup/1.0/json', { login: 1, name: {}, surname: [], password: 3, confirm_password: false, country: { id: 1 }, device_type: 'x', timezone: [] });
    assert.equal(signup.status, 200);
    assert.equal(signup.body[0].result.status, 'error');
    const dashboard = await n.call('/partner/dashboard', { anything: [1, { deep: null }] });
    assert.equal(dashboard.status, 200);
  });

  test('the door keeps its dialect; the Barong API keeps its own', async () => {
    const r = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/sessions`, headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(JSON.parse(r.body), { errors: ['server.request.invalid_body'] });
    // Its JSON and form parsers are untouched by this door's catch-all one.
    const form = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/sessions`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=nobody%40example.com&password=x' });
    assert.deepEqual([form.statusCode, JSON.parse(form.body)], [401, { errors: ['identity.session.invalid_params'] }]);
    const xml = await t.app.inject({ method: 'POST', url: `${t.prefix}/identity/sessions`, headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    assert.equal(xml.statusCode, 415);
  });

  test('a body over the size limit: 413 with a JSON-RPC error', async () => {
    const n = new NebeusClient(t);
    const r = await n.raw('POST', '/signup/1.0/json', { payload: JSON.stringify({ login: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413);
    assert.deepEqual(r.body, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Request too large' } });
  });
});
