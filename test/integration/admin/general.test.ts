import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, uniqueEmail } from '../../helpers/client.js';
import { DEFAULT_ABILITIES } from '../../../src/domain/admin/abilities.js';
import { answer, caller, errors, makeUser, ROLES, setPrivateLabel, type Caller } from './users-fixtures.js';

let t: TestApp;
let root: Caller;
before(async () => { t = await startTestApp(); root = await caller(t, 'superadmin'); });
after(async () => { await t.close(); });

const EMPTY = { signups: {}, successful_logins: {}, sucessful_logins: {}, failed_logins: {}, pending_applications: 0 };

/** A user activity at a chosen time (metrics group by UTC day). */
async function activity(userId: number, topic: string, action: string, result: string, at: string) {
  await t.c.db.query(
    `INSERT INTO activities (user_id, category, user_ip, user_agent, topic, action, result, created_at) VALUES ($1, 'user', '127.0.0.1', 'UA', $2, $3, $4, $5)`,
    [userId, topic, action, result, at]);
}

describe('GET admin/metrics', () => {
  test('a database without activities: exactly the empty report (both spellings of successful_logins)', async () => {
    const r = await root.get('/metrics');
    assert.deepEqual(answer(r), [200, EMPTY]);
    assert.deepEqual(Object.keys(r.body), ['signups', 'successful_logins', 'sucessful_logins', 'failed_logins', 'pending_applications']);
  });

  test('sign-ups, logins (with and without 2FA) and failed logins per UTC day; pending documents now', async () => {
    const u = await makeUser(t);
    await activity(u.id, 'account', 'signup', 'succeed', '2024-03-01T23:59:59Z');
    await activity(u.id, 'account', 'signup', 'succeed', '2024-03-02T00:00:00Z');
    await activity(u.id, 'account', 'signup', 'failed', '2024-03-02T10:00:00Z');
    await activity(u.id, 'session', 'login', 'succeed', '2024-03-02T10:00:00Z');
    await activity(u.id, 'session', 'login::2fa', 'succeed', '2024-03-02T11:00:00Z');
    await activity(u.id, 'session', 'login', 'failed', '2024-03-03T01:00:00Z');
    await activity(u.id, 'session', 'login::2fa', 'failed', '2024-03-03T02:00:00Z');
    await activity(u.id, 'session', 'logout', 'succeed', '2024-03-03T02:00:00Z');
    // An admin row with the same words is not a user activity.
    await t.c.db.query(`INSERT INTO activities (user_id, category, user_ip, user_agent, topic, action, result, created_at)
      VALUES ($1, 'admin', '127.0.0.1', 'UA', 'session', 'login', 'succeed', '2024-03-02T12:00:00Z')`, [root.user.id]);
    await setPrivateLabel(t, await makeUser(t), 'document', 'pending');
    await setPrivateLabel(t, await makeUser(t), 'document', 'pending');
    await setPrivateLabel(t, await makeUser(t), 'document', 'verified');
    const r = await root.get('/metrics');
    assert.deepEqual(answer(r), [200, {
      signups: { '2024-03-01': 1, '2024-03-02': 1 },
      successful_logins: { '2024-03-02': 2 },
      sucessful_logins: { '2024-03-02': 2 },
      failed_logins: { '2024-03-03': 2 },
      pending_applications: 2,
    }]);
  });

  test('created_from/created_to are honoured (Warden fix #7): dates cover whole UTC days, unix seconds and ISO times are exact', async () => {
    const day2 = { signups: { '2024-03-02': 1 }, successful_logins: { '2024-03-02': 2 }, sucessful_logins: { '2024-03-02': 2 }, failed_logins: {}, pending_applications: 2 };
    assert.deepEqual((await root.get('/metrics', { created_from: '2024-03-02', created_to: '2024-03-02' })).body, day2);
    const from = String(Date.parse('2024-03-02T00:00:00Z') / 1000);
    const to = String(Date.parse('2024-03-02T23:59:59Z') / 1000);
    assert.deepEqual((await root.get('/metrics', { created_from: from, created_to: to })).body, day2);
    assert.deepEqual((await root.get('/metrics', { created_from: '2024-03-02T10:30:00Z', created_to: '2024-03-02T11:00:00Z' })).body.successful_logins, { '2024-03-02': 1 });
    assert.deepEqual((await root.get('/metrics', { created_from: '2024-03-03' })).body.failed_logins, { '2024-03-03': 2 });
    assert.deepEqual((await root.get('/metrics', { created_to: '2024-03-01' })).body.signups, { '2024-03-01': 1 });
    assert.deepEqual((await root.get('/metrics', { created_from: '2030-01-01' })).body, { ...EMPTY, pending_applications: 2 }, 'pending applications are a count of now');
    assert.deepEqual((await root.get('/metrics', { created_from: '', created_to: ' ' })).body.signups, { '2024-03-01': 1, '2024-03-02': 1 }, 'blank bounds are no bounds');
  });

  test('bounds that are no time → 422 admin.metric.invalid_created_from / _to', async () => {
    assert.deepEqual(answer(await root.get('/metrics', { created_from: 'yesterday' })), errors(422, 'admin.metric.invalid_created_from'));
    assert.deepEqual(answer(await root.get('/metrics', { created_from: '2024-02-30', created_to: '2024-13-01' })),
      errors(422, 'admin.metric.invalid_created_from', 'admin.metric.invalid_created_to'));
  });

  test('real sign-up and login flows are counted', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const before = (await root.get('/metrics', { created_from: today })).body;
    const email = uniqueEmail();
    const c = new Client(t);
    assert.equal((await c.signup(email)).status, 201);
    assert.equal((await c.login(email, 'Wrong-Pass1')).status, 401);
    const after = (await root.get('/metrics', { created_from: today })).body;
    assert.equal((after.signups[today] ?? 0) - (before.signups[today] ?? 0), 1);
    assert.equal((after.failed_logins[today] ?? 0) - (before.failed_logins[today] ?? 0), 1);
  });
});

describe('GET admin/abilities and admin/levels', () => {
  test('each role sees its own map from the abilities file; roles without admin abilities get {}', async () => {
    for (const role of ROLES) {
      const r = await (await caller(t, role)).get('/abilities');
      const expected = role === 'member' ? {} : Object.fromEntries(['read', 'create', 'update', 'destroy', 'manage']
        .filter((a) => (DEFAULT_ABILITIES[role] as Record<string, string[]>)[a]?.length).map((a) => [a, (DEFAULT_ABILITIES[role] as Record<string, string[]>)[a]]));
      assert.deepEqual(answer(r), [200, expected], role);
    }
  });

  test('levels: every level in id order, {id, key, value}', async () => {
    const rows = await t.c.db.query<{ id: number; key: string; value: string }>('SELECT id, key, value FROM levels ORDER BY id');
    assert.ok(rows.length >= 3);
    assert.deepEqual(answer(await root.get('/levels')), [200, rows]);
    assert.deepEqual(answer(await (await caller(t, 'support')).get('/levels')), [200, rows]);
  });

  test('without a token → 401 jwt.decode_and_verify; a member → 401 admin.ability.not_permitted', async () => {
    const anon = await t.app.inject({ method: 'GET', url: `${t.prefix}/admin/levels` });
    assert.deepEqual([anon.statusCode, anon.json()], errors(401, 'jwt.decode_and_verify'));
    assert.deepEqual(answer(await (await caller(t, 'member')).get('/levels')), errors(401, 'admin.ability.not_permitted'));
    assert.deepEqual(answer(await (await caller(t, 'compliance')).get('/metrics')), [200, (await root.get('/metrics')).body], 'compliance manages User');
    assert.deepEqual(answer(await (await caller(t, 'support')).get('/metrics')), [200, (await root.get('/metrics')).body], 'support manages User');
  });
});
