import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, UA, uniqueEmail } from '../../helpers/client.js';
import type { User } from '../../../src/domain/users/user.js';
import { adminActivities, answer, caller, errors, lastActivityId, makeUser, USER_KEYS, type Caller } from './users-fixtures.js';

let t: TestApp;
let root: Caller;
let alice: User;
let bob: User;
before(async () => {
  t = await startTestApp();
  root = await caller(t, 'superadmin');
  alice = await makeUser(t, 'member', uniqueEmail('alice'));
  bob = await makeUser(t, 'member', uniqueEmail('bob'));
  // alice: 3 session rows and one otp row over three days; bob: one password row.
  await activity(alice, 'user', 'session', 'login', 'succeed', '2024-05-01T10:00:00Z');
  await activity(alice, 'user', 'session', 'login', 'failed', '2024-05-02T10:00:00Z', '{"reason":"Invalid Email or Password"}');
  await activity(alice, 'user', 'session', 'logout', 'succeed', '2024-05-03T10:00:00Z');
  await activity(alice, 'user', 'otp', 'enable 2FA', 'succeed', '2024-05-03T11:00:00Z');
  await activity(bob, 'user', 'password', 'password change', 'failed', '2024-05-03T12:00:00Z');
  // Admin rows: root acted on alice twice and on nobody once.
  await activity(root.user, 'admin', 'users', 'update', 'succeed', '2024-05-04T10:00:00Z', '{"state":"banned"}', alice.uid);
  await activity(root.user, 'admin', 'labels', 'create', 'succeed', '2024-05-04T11:00:00Z', null, alice.uid);
  await activity(root.user, 'admin', 'permissions', 'create', 'denied', '2024-05-05T10:00:00Z');
});
after(async () => { await t.close(); });

async function activity(u: User, category: string, topic: string, action: string, result: string, at: string, data: string | null = null, target: string | null = null) {
  await t.c.db.query(
    `INSERT INTO activities (user_id, category, target_uid, user_ip, user_ip_country, user_agent, topic, action, result, data, created_at)
     VALUES ($1, $2, $3, '198.51.100.7', 'Netherlands', $4, $5, $6, $7, $8, $9)`,
    [u.id, category, target, UA, topic, action, result, data, at]);
}

const unix = (iso: string) => String(Date.parse(iso) / 1000);
const topics = (r: { body: { topic: string; action: string }[] }) => r.body.map((a) => `${a.topic}/${a.action}`);
const userEntity = (u: User) => ({ email: u.email, uid: u.uid, role: u.role, level: u.level, otp: u.otp, state: u.state, referral_uid: null, data: u.data, username: u.username });

describe('GET admin/activities (user activities)', () => {
  test('newest first, each with its user; ActivityWithUser keys exactly; pagination headers', async () => {
    const r = await root.get('/activities');
    assert.equal(r.status, 200);
    assert.deepEqual(topics(r), ['password/password change', 'otp/enable 2FA', 'session/logout', 'session/login', 'session/login']);
    assert.deepEqual(Object.keys(r.body[0]), ['user_ip', 'user_ip_country', 'user_agent', 'topic', 'action', 'result', 'data', 'user', 'created_at']);
    assert.deepEqual(r.body[3], {
      user_ip: '198.51.100.7', user_ip_country: 'Netherlands', user_agent: UA, topic: 'session', action: 'login', result: 'failed',
      data: '{"reason":"Invalid Email or Password"}', user: userEntity(alice), created_at: '2024-05-02T10:00:00Z',
    });
    assert.deepEqual(r.body[0].user, userEntity(bob));
    assert.deepEqual(Object.keys(r.body[0].user).sort(), [...USER_KEYS].sort());
    assert.deepEqual([r.headers.total, r.headers.page, r.headers['per-page']], ['5', '1', '100']);
  });

  test('filters: topic, action, uid and email of the actor, from/to inclusive on created_at; blank filters ignored', async () => {
    assert.deepEqual(topics(await root.get('/activities', { topic: 'session' })), ['session/logout', 'session/login', 'session/login']);
    assert.deepEqual(topics(await root.get('/activities', { topic: 'session', action: 'login' })), ['session/login', 'session/login']);
    assert.deepEqual(topics(await root.call('GET', '/activities?topic=otp', { body: { topic: 'session', action: 'login' } })), ['session/login', 'session/login'], 'GET body params, over the query');
    assert.deepEqual(topics(await root.call('GET', '/activities', { body: { action: 'password change' }, form: true })), ['password/password change'], 'a form body too');
    assert.deepEqual(topics(await root.get('/activities', { action: 'password change' })), ['password/password change']);
    assert.deepEqual(topics(await root.get('/activities', { uid: bob.uid })), ['password/password change']);
    assert.deepEqual(topics(await root.get('/activities', { email: alice.email.toUpperCase() })).length, 4, 'email matches case-insensitively');
    assert.deepEqual(topics(await root.get('/activities', { from: unix('2024-05-02T10:00:00Z'), to: unix('2024-05-03T10:00:00Z') })), ['session/logout', 'session/login']);
    assert.deepEqual(topics(await root.get('/activities', { uid: alice.uid, topic: 'otp' })), ['otp/enable 2FA']);
    assert.deepEqual(topics(await root.get('/activities', { topic: '', uid: ' ' })).length, 5);
    const none = await root.get('/activities', { uid: 'ID0000000000' });
    assert.deepEqual([none.status, none.body, none.headers.total], [200, [], '0']);
    assert.deepEqual((await root.get('/activities', { target_uid: alice.uid })).body, [], 'user activities have no target');
  });

  test('page and limit; a page past the end is [] with the headers', async () => {
    const p2 = await root.get('/activities', { limit: '2', page: '2' });
    assert.deepEqual([topics(p2), p2.headers.total, p2.headers.page, p2.headers['per-page']], [['session/logout', 'session/login'], '5', '2', '2']);
    const p9 = await root.get('/activities', { limit: '2', page: '9' });
    assert.deepEqual([p9.body, p9.headers.total], [[], '5']);
  });

  test('errors: non-string filters, non-integer bounds, bad page/limit', async () => {
    const r = await root.call('GET', '/activities?topic=a&topic=b&uid=x&uid=y&email=1&email=2&action=q&action=w');
    assert.deepEqual(answer(r), errors(422, 'admin.activity.non_string_topic', 'admin.activity.non_string_action', 'admin.activity.non_string_uid', 'admin.activity.non_string_email'));
    // parameters in a GET body count too (§1.1), over the query's
    const inBody = await root.call('GET', '/activities?topic=session', { body: { topic: ['a'], uid: 'x' } });
    assert.deepEqual(answer(inBody), errors(422, 'admin.activity.non_string_topic'));
    const junk = await t.app.inject({ method: 'GET', url: `${t.prefix}/admin/activities`, headers: { 'content-type': 'application/json', 'user-agent': 'x' }, payload: '{"topic":' });
    assert.deepEqual([junk.statusCode, junk.json()], [400, { errors: ['server.request.invalid_body'] }]);
    // Rack's array and hash names (BARONG.md §1.1) are arrays and hashes too, not ignored
    const rack = await root.call('GET', '/activities?topic[]=a&uid%5B%5D=x&email[k]=1');
    assert.deepEqual(answer(rack), errors(422, 'admin.activity.non_string_topic', 'admin.activity.non_string_uid', 'admin.activity.non_string_email'));
    assert.deepEqual(answer(await root.get('/activities', { from: 'yesterday', to: '1.5' })), errors(422, 'invalid', 'invalid'));
    const wide = await root.get('/activities', { from: '-99999999999999', to: '99999999999999' });
    assert.deepEqual([wide.status, wide.headers.total], [200, '5'], 'bounds beyond any timestamp are no bounds');
    assert.deepEqual(answer(await root.get('/activities', { page: 'x', limit: 'y' })), errors(422, 'non_integer_page', 'non_integer_limit'));
    assert.deepEqual(answer(await root.get('/activities', { page: '0', limit: '101' })), errors(422, 'non_positive_page', 'invalid_limit'));
    assert.deepEqual(answer(await root.get('/activities', { limit: '0' })), errors(422, 'invalid_limit'));
  });

  test('a real login is listed with the request\'s IP and user agent', async () => {
    const email = uniqueEmail('carol');
    await makeUser(t, 'member', email);
    const c = new Client(t);
    c.ip = '203.0.113.9';
    assert.equal((await c.login(email)).status, 200);
    const [row] = (await root.get('/activities', { email })).body;
    assert.deepEqual([row.topic, row.action, row.result, row.user_ip, row.user_agent, row.user.email], ['session', 'login', 'succeed', '203.0.113.9', UA, email]);
  });
});

describe('GET admin/activities/admin', () => {
  test('admin rows newest first with the admin and the target (null when none); AdminActivity keys exactly', async () => {
    const r = await root.get('/activities/admin', { uid: root.user.uid });
    assert.equal(r.status, 200);
    assert.deepEqual(topics(r), ['permissions/create', 'labels/create', 'users/update']);
    assert.deepEqual(Object.keys(r.body[0]), ['user_ip', 'user_ip_country', 'user_agent', 'topic', 'action', 'result', 'data', 'admin', 'target', 'created_at']);
    assert.deepEqual([r.body[0].result, r.body[0].admin, r.body[0].target], ['denied', userEntity(root.user), null]);
    assert.deepEqual([r.body[2].data, r.body[2].target, r.body[2].created_at], ['{"state":"banned"}', userEntity(alice), '2024-05-04T10:00:00Z']);
    assert.equal(r.headers.total, '3');
  });

  test('filters: target_uid, topic, action, email of the admin, range=created with from/to', async () => {
    assert.deepEqual(topics(await root.get('/activities/admin', { target_uid: alice.uid })), ['labels/create', 'users/update']);
    assert.deepEqual(topics(await root.get('/activities/admin', { target_uid: alice.uid, action: 'update' })), ['users/update']);
    assert.deepEqual(topics(await root.get('/activities/admin', { topic: 'permissions', email: root.user.email })), ['permissions/create']);
    assert.deepEqual(topics(await root.get('/activities/admin', { uid: root.user.uid, range: 'created', from: unix('2024-05-04T10:30:00Z'), to: unix('2024-05-05T10:00:00Z') })),
      ['permissions/create', 'labels/create']);
    assert.deepEqual((await root.get('/activities/admin', { uid: alice.uid })).body, [], 'alice never acted as an admin');
  });

  test('range other than created → 422 admin.activity.invalid_range; user rows never appear here', async () => {
    assert.deepEqual(answer(await root.get('/activities/admin', { range: 'updated' })), errors(422, 'admin.activity.invalid_range'));
    assert.deepEqual((await root.get('/activities/admin', { topic: 'session' })).body, []);
  });

  test('a direct admin call (session cookie) is audited once, by its permission check: body params with path, target uid, secrets and personal data left out', async () => {
    const admin = await makeUser(t, 'superadmin');
    const c = new Client(t);
    assert.equal((await c.login(admin.email)).status, 200);
    const target = await makeUser(t);
    const since = await lastActivityId(t);
    const path = (p: string) => `${t.prefix.slice(1)}/admin/${p}`;
    assert.equal((await c.send('POST', '/admin/users/labels', { uid: target.uid, key: 'desk', value: 'vip', reason: 'asked by sales' })).status, 200);
    assert.equal((await c.get('/admin/users/' + target.uid)).status, 200, 'reads are not audited');
    assert.equal((await c.send('POST', '/admin/profiles', { uid: target.uid, first_name: 'Olena', city: 'Kyiv', password: 'x' })).status, 201);
    assert.equal((await c.send('POST', '/admin/restrictions', { scope: 'ip', value: '192.0.2.44', category: 'blacklist' })).status, 200);
    for (let i = 0; i < 100 && (await adminActivities(t, admin, since)).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await adminActivities(t, admin, since), [
      ['users', 'create', target.uid, { uid: target.uid, key: 'desk', value: 'vip', reason: 'asked by sales', path: path('users/labels') }],
      ['profiles', 'create', target.uid, { uid: target.uid, first_name: '[redacted]', city: 'Kyiv', password: '[redacted]', path: path('profiles') }],
      ['restrictions', 'create', null, { scope: 'ip', value: '192.0.2.44', category: 'blacklist', path: path('restrictions') }],
    ]);
    const [row] = (await root.get('/activities/admin', { topic: 'restrictions', uid: admin.uid })).body;
    assert.deepEqual([row.action, row.result, row.admin.uid, row.target, row.user_agent], ['create', 'succeed', admin.uid, null, UA]);
  });

  test('abilities: read Activity (accountant yes, compliance no)', async () => {
    assert.equal((await (await caller(t, 'accountant')).get('/activities/admin')).status, 200);
    assert.deepEqual(answer(await (await caller(t, 'compliance')).get('/activities')), errors(401, 'admin.ability.not_permitted'));
  });
});
