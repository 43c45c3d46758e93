import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, uniqueEmail, type Res } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const ACTIVITY_KEYS = ['id', 'user_ip', 'user_ip_country', 'user_agent', 'topic', 'action', 'result', 'data', 'created_at'];
const FAILED_LOGIN = '{"reason":"Invalid Email or Password"}';

interface Activity { id: number; user_ip: string; user_ip_country: string | null; user_agent: string; topic: string; action: string; result: string; data: string | null; created_at: string }

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];
const steps = (rows: Activity[]) => rows.map((a) => `${a.topic}/${a.action}/${a.result}`);

/**
 * A user who signed up, confirmed, logged in, failed a login, logged in again and logged out,
 * all from `ip` (X-Forwarded-For through the loopback test client) with `ua`. Returns the
 * session client (from the last login; logout ended the other one) and the user's id.
 */
async function userWithHistory(ip: string, ua = UA): Promise<{ client: Client; email: string; userId: number }> {
  const email = uniqueEmail('act');
  const c = new Client(t);
  c.ip = ip;
  c.ua = ua;
  assert.equal((await c.signup(email)).status, 201);
  const confirm = await c.post('/identity/users/email/confirm_code', { token: tokenFrom(await t.smtp.waitFor(email, /Confirm/)) });
  assert.equal(confirm.status, 201);
  assert.equal((await c.login(email)).status, 200);
  assert.equal((await c.login(email, 'Wrong-Passw0rd')).status, 401);
  assert.equal((await c.send('DELETE', '/identity/sessions')).status, 200);
  assert.equal((await c.login(email)).status, 200);
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { client: c, email, userId: Number(id) };
}

describe('GET /resource/users/activity/:topic', () => {
  let alice: { client: Client; email: string; userId: number };
  const ALICE_IP = '203.0.113.9';
  /** Alice's history, newest first. */
  const EXPECTED = ['session/login/succeed', 'session/logout/succeed', 'session/login/failed', 'session/login/succeed', 'account/signup/succeed'];

  before(async () => { alice = await userWithHistory(ALICE_IP); });

  test('`all` lists every activity of the caller, newest first, as Activity entities with paging headers', async () => {
    const r = await alice.client.get('/resource/users/activity/all');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const rows = r.body as Activity[];
    assert.deepEqual(steps(rows), EXPECTED);
    for (const a of rows) assert.deepEqual(Object.keys(a).sort(), [...ACTIVITY_KEYS].sort());
    const ids = rows.map((a) => a.id);
    assert.ok(ids.every((id) => Number.isInteger(id)));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'ids descending');
    assert.equal(new Set(ids).size, ids.length);
    for (const a of rows) {
      assert.equal(a.user_agent, UA);
      assert.equal(a.user_ip, ALICE_IP, 'X-Forwarded-For from a trusted (loopback) peer is the client IP');
      assert.equal(a.user_ip_country, null);
      assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(a.data, a.result === 'failed' ? FAILED_LOGIN : null);
    }
    assert.equal(r.headers['total'], '5');
    assert.equal(r.headers['page'], '1');
    assert.equal(r.headers['per-page'], '100');
  });

  test('the same list through a Bearer JWT', async () => {
    const me = (await alice.client.get('/resource/users/me')).body;
    const token = t.c.identity.tokens.sign('session', { uid: me.uid, email: me.email, role: me.role, level: me.level, state: me.state }).token;
    const r = await new Client(t).call('GET', '/resource/users/activity/all', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    assert.deepEqual(steps(r.body), EXPECTED);
  });

  test('a topic filters; failed rows carry the reason as a JSON string', async () => {
    const session = await alice.client.get('/resource/users/activity/session');
    assert.equal(session.status, 200);
    assert.deepEqual(steps(session.body), EXPECTED.filter((s) => s.startsWith('session/')));
    assert.equal(session.headers['total'], '4');

    const account = await alice.client.get('/resource/users/activity/account');
    assert.deepEqual(steps(account.body), ['account/signup/succeed']);

    const failed = await alice.client.get('/resource/users/activity/all', { result: 'failed' });
    assert.equal(failed.status, 200);
    assert.deepEqual(steps(failed.body), ['session/login/failed']);
    assert.equal(failed.headers['total'], '1');
    assert.equal(typeof failed.body[0].data, 'string');
    assert.equal(failed.body[0].data, FAILED_LOGIN);
    assert.deepEqual(JSON.parse(failed.body[0].data), { reason: 'Invalid Email or Password' });

    const succeed = await alice.client.get('/resource/users/activity/session', { result: 'succeed' });
    assert.deepEqual(steps(succeed.body), ['session/login/succeed', 'session/logout/succeed', 'session/login/succeed']);
  });

  test('no rows → 422 resource.user.no_activity (topic, result or time window); unknown topic → wrong_topic', async () => {
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/otp')), errors(422, 'resource.user.no_activity'));
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/password')), errors(422, 'resource.user.no_activity'));
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/all', { result: 'denied' })), errors(422, 'resource.user.no_activity'));
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/sessions')), errors(422, 'resource.user.wrong_topic'));
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/ALL')), errors(422, 'resource.user.wrong_topic'));
  });

  test('time_from / time_to bound created_at (from inclusive, to exclusive)', async () => {
    const [span] = await t.c.db.query<{ first: number; last: number }>(
      'SELECT floor(extract(epoch FROM min(created_at)))::int AS first, ceil(extract(epoch FROM max(created_at)))::int AS last FROM activities WHERE user_id = $1', [alice.userId]);
    const future = String(Math.floor(Date.now() / 1000) + 365 * 24 * 3600);
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/all', { time_from: future })), errors(422, 'resource.user.no_activity'));
    assert.deepEqual(answer(await alice.client.get('/resource/users/activity/all', { time_to: String(span.first) })), errors(422, 'resource.user.no_activity'),
      'time_to is exclusive and every row is at or after the first second');
    const all = await alice.client.get('/resource/users/activity/all', { time_from: String(span.first), time_to: String(span.last + 1) });
    assert.equal(all.status, 200);
    assert.deepEqual(steps(all.body), EXPECTED);
    assert.equal((await alice.client.get('/resource/users/activity/all', { time_from: '0' })).headers['total'], '5');
  });

  test('parameter errors', async () => {
    const get = (query: Record<string, string>) => alice.client.get('/resource/users/activity/all', query).then(answer);
    assert.deepEqual(await get({ time_from: 'abc' }), errors(422, 'resource.user.non_integer_time_from'));
    assert.deepEqual(await get({ time_to: '1.5' }), errors(422, 'resource.user.non_integer_time_to'));
    assert.deepEqual(await get({ time_from: '' }), errors(422, 'resource.user.empty_time_from'));
    assert.deepEqual(await get({ result: '' }), errors(422, 'resource.user.empty_result'));
    assert.deepEqual(await get({ page: '0' }), errors(422, 'non_positive_page'));
    assert.deepEqual(await get({ page: 'abc' }), errors(422, 'non_integer_page'));
    assert.deepEqual(await get({ limit: '101' }), errors(422, 'invalid_limit'));
    assert.deepEqual(await get({ limit: '0' }), errors(422, 'invalid_limit'));
    assert.deepEqual(await get({ limit: 'abc' }), errors(422, 'non_integer_limit'));
    assert.deepEqual(await get({ time_from: 'abc', limit: 'abc' }), errors(422, 'resource.user.non_integer_time_from', 'non_integer_limit'), 'all errors together');
    assert.deepEqual(await get({ page: 'x', limit: '0' }), errors(422, 'non_integer_page', 'invalid_limit'), 'type and range errors together');
    assert.deepEqual(await get({ page: '0', limit: 'x' }), errors(422, 'non_positive_page', 'non_integer_limit'));
    assert.deepEqual(await get({ limit: '101', time_from: 'abc', page: '-1' }), errors(422, 'resource.user.non_integer_time_from', 'non_positive_page', 'invalid_limit'), 'declaration order');
    assert.equal((await alice.client.get('/resource/users/activity/all', { limit: '100' })).status, 200);
  });

  test('paging: limit=2&page=2 is the 3rd and 4th newest; a page past the end is []', async () => {
    const all = (await alice.client.get('/resource/users/activity/all')).body as Activity[];
    const r = await alice.client.get('/resource/users/activity/all', { limit: '2', page: '2' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, all.slice(2, 4));
    assert.equal(r.headers['page'], '2');
    assert.equal(r.headers['per-page'], '2');
    assert.equal(r.headers['total'], '5');
    const last = await alice.client.get('/resource/users/activity/all', { limit: '2', page: '3' });
    assert.deepEqual(last.body, all.slice(4));
    const beyond = await alice.client.get('/resource/users/activity/all', { limit: '2', page: '4' });
    assert.deepEqual([beyond.status, beyond.body, beyond.headers['total'], beyond.headers['page']], [200, [], '5', '4']);
  });

  test('a user only sees his own activities', async () => {
    const bob = await userWithHistory('198.51.100.20');
    const aliceIds = new Set(((await alice.client.get('/resource/users/activity/all')).body as Activity[]).map((a) => a.id));
    const r = await bob.client.get('/resource/users/activity/all');
    assert.equal(r.status, 200);
    const rows = r.body as Activity[];
    assert.deepEqual(steps(rows), EXPECTED);
    assert.ok(rows.every((a) => !aliceIds.has(a.id) && a.user_ip === '198.51.100.20'));
    const [{ n }] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE user_id = $1', [bob.userId]);
    assert.equal(r.headers['total'], String(n));
  });

  test('without credentials → 401 jwt.decode_and_verify', async () => {
    assert.deepEqual(answer(await new Client(t).get('/resource/users/activity/all')), errors(401, 'jwt.decode_and_verify'));
  });
});

describe('suspicious browsers', () => {
  test('a non-browser User-Agent adds the note to data (merged with the reason on failures)', async () => {
    const { client } = await userWithHistory('192.0.2.44', 'curl/8');
    const r = await client.get('/resource/users/activity/all');
    assert.equal(r.status, 200);
    const rows = r.body as Activity[];
    assert.deepEqual(steps(rows), ['session/login/succeed', 'session/logout/succeed', 'session/login/failed', 'session/login/succeed', 'account/signup/succeed']);
    for (const a of rows) {
      assert.equal(a.user_agent, 'curl/8');
      assert.equal(typeof a.data, 'string');
      const data = JSON.parse(a.data!);
      assert.equal(data.note, 'Detected suspicious browser');
      if (a.result === 'failed') assert.equal(data.reason, 'Invalid Email or Password');
      else assert.deepEqual(data, { note: 'Detected suspicious browser' });
    }
  });
});

test('time bounds at an exact second: time_from inclusive, time_to exclusive', async () => {
  const c = new Client(t);
  const email = uniqueEmail('edge');
  assert.equal((await c.signup(email)).status, 201);
  const T = 1_700_000_000;
  await t.c.db.query('UPDATE activities SET created_at = to_timestamp($1) WHERE user_id = (SELECT id FROM users WHERE email = $2)', [T, email]);
  const count = async (query: Record<string, string>) => {
    const r = await c.get('/resource/users/activity/all', query);
    return r.status === 200 ? (r.body as Activity[]).length : r.body.errors[0];
  };
  assert.equal(await count({ time_from: String(T) }), 1);
  assert.equal(await count({ time_from: String(T + 1) }), 'resource.user.no_activity');
  assert.equal(await count({ time_to: String(T + 1) }), 1);
  assert.equal(await count({ time_to: String(T) }), 'resource.user.no_activity');
  assert.equal(await count({ time_from: String(T), time_to: String(T + 1) }), 1);
});

// Sign-up alone must not depend on any other test: a fresh user has exactly one row.
test('right after sign-up (no confirmation) the pending user sees his signup row', async () => {
  const c = new Client(t);
  assert.equal((await c.signup(uniqueEmail('fresh'), STRONG_PASSWORD)).status, 201);
  const r = await c.get('/resource/users/activity/all');
  assert.equal(r.status, 200);
  assert.deepEqual(steps(r.body), ['account/signup/succeed']);
  assert.equal(r.body[0].user_ip, '127.0.0.1', 'without X-Forwarded-For the socket address');
});
