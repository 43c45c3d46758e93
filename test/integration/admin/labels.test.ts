import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import {
  USER_KEYS, adminActivities, answer, caller, errors, eventsSince, lastActivityId, lastEventId, makeUser, privateLabels, userRow, type Caller,
} from './users-fixtures.js';

let t: TestApp;
let admin: Caller;
before(async () => {
  t = await startTestApp();
  admin = await caller(t, 'admin');
});
after(async () => { await t.close(); });

async function labelsOf(userId: number): Promise<[string, string, string, string | null][]> {
  const rows = await t.c.db.query<{ key: string; value: string; scope: string; description: string | null }>(
    'SELECT key, value, scope, description FROM labels WHERE user_id = $1 ORDER BY id', [userId]);
  return rows.map((r) => [r.key, r.value, r.scope, r.description]);
}

describe('POST /admin/users/labels', () => {
  test('parameter errors, unknown uid, superadmin protection, model errors', async () => {
    assert.deepEqual(answer(await admin.post('/users/labels', {})), errors(422,
      'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_key', 'admin.user.empty_key', 'admin.user.missing_value', 'admin.user.empty_value'));
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: 'x', key: 'abc', value: 'def', description: ' ', scope: '' })), errors(422,
      'admin.user.empty_description', 'admin.user.empty_scope'));
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: 'IDNOSUCHUSER', key: 'abc', value: 'def' })), errors(404, 'admin.user.doesnt_exist'));
    const sa = await makeUser(t, 'superadmin');
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: sa.uid, key: 'abc', value: 'def' })), errors(422, 'admin.user.superadmin_change'));
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: 'a!', value: 'ok-value' })), errors(422, 'key.too_short', 'key.invalid'));
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: 'tier', value: 'gold', scope: 'secret' })), errors(422, 'scope.inclusion'));
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: 'tier', value: 'gold', description: 'x'.repeat(256) })), errors(422, 'description.too_long'));
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: 'email', value: 'verified', scope: 'private' })), errors(422, 'key.taken'));
  });

  test('public by default, normalised; a private label recomputes level; event and admin activity', async () => {
    const u = await makeUser(t);
    const events = await lastEventId(t);
    const acts = await lastActivityId(t);
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: ' Tier ', value: 'GOLD', description: 'vip desk' })), [200, '']);
    assert.deepEqual(answer(await admin.post('/users/labels', { uid: u.uid, key: 'phone', value: 'verified', scope: 'private' })), [200, '']);
    assert.deepEqual(await labelsOf(u.id), [['email', 'verified', 'private', null], ['tier', 'gold', 'public', 'vip desk'], ['phone', 'verified', 'private', null]]);
    assert.equal((await userRow(t, u.uid)).level, 2);
    const ev = await eventsSince(t, events);
    assert.deepEqual(ev.map(([n, rec]) => [n, rec.key ?? rec.uid]), [['model.label.created', 'tier'], ['model.user.updated', u.uid], ['model.label.created', 'phone']]);
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });

  test('a ban label (any scope) bans; deleting it restores the computed state', async () => {
    const u = await makeUser(t);
    assert.equal((await admin.post('/users/labels', { uid: u.uid, key: 'ban', value: 'fraud-desk', scope: 'private' })).status, 200);
    assert.equal((await userRow(t, u.uid)).state, 'banned');
    assert.equal((await admin.del('/users/labels', { uid: u.uid, key: 'ban', scope: 'private' })).status, 200);
    assert.equal((await userRow(t, u.uid)).state, 'active');
  });
});

describe('POST /admin/users/labels/update (replace)', () => {
  test('creates a missing label by default; replace=false → 404; existing: value and description replaced, omitted description cleared', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.post('/users/labels/update', { uid: u.uid, key: 'risk', scope: 'private', value: 'low', replace: 'nope' })), errors(422, 'admin.user.non_boolean_replace'));
    assert.deepEqual(answer(await admin.post('/users/labels/update', {})), errors(422,
      'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_key', 'admin.user.empty_key', 'admin.user.missing_scope', 'admin.user.empty_scope',
      'admin.user.missing_value', 'admin.user.empty_value'));
    assert.deepEqual(answer(await admin.post('/users/labels/update', { uid: 'IDNOSUCHUSER', key: 'risk', scope: 'private', value: 'low' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.post('/users/labels/update', { uid: u.uid, key: 'risk', scope: 'private', value: 'low', replace: false })), errors(404, 'admin.label.doesnt_exist'));
    assert.deepEqual(answer(await admin.post('/users/labels/update', { uid: u.uid, key: 'risk', scope: 'private', value: 'low', description: 'first look' })), [200, '']);
    assert.deepEqual((await labelsOf(u.id))[1], ['risk', 'low', 'private', 'first look']);
    const acts = await lastActivityId(t);
    assert.equal((await admin.post('/users/labels/update', { uid: u.uid, key: 'RISK', scope: 'private', value: 'high', replace: 'false' })).status, 200);
    assert.deepEqual((await labelsOf(u.id))[1], ['risk', 'high', 'private', null]);
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.deepEqual(answer(await admin.post('/users/labels/update', { uid: u.uid, key: 'risk', scope: 'private', value: 'x' })), errors(422, 'value.too_short'));
  });
});

describe('PUT /admin/users/labels', () => {
  test('404 for a missing label; value changed, description kept unless given', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.put('/users/labels', { uid: u.uid, key: 'tier', scope: 'public', value: 'gold' })), errors(404, 'admin.label.doesnt_exist'));
    assert.deepEqual(answer(await admin.put('/users/labels', { uid: 'IDNOSUCHUSER', key: 'tier', scope: 'public', value: 'gold' })), errors(404, 'admin.user.doesnt_exist'));
    await admin.post('/users/labels', { uid: u.uid, key: 'tier', value: 'silver', description: 'desk' });
    const events = await lastEventId(t);
    assert.deepEqual(answer(await admin.put('/users/labels', { uid: u.uid, key: 'tier', scope: 'public', value: 'gold' })), [200, '']);
    assert.deepEqual((await labelsOf(u.id))[1], ['tier', 'gold', 'public', 'desk']);
    assert.deepEqual((await eventsSince(t, events)).map(([n, rec, ch]) => [n, rec.value, ch]), [['model.label.updated', 'gold', { value: 'silver' }]]);
    assert.equal((await admin.put('/users/labels', { uid: u.uid, key: 'tier', scope: 'public', value: 'gold', description: 'moved' })).status, 200);
    assert.deepEqual((await labelsOf(u.id))[1], ['tier', 'gold', 'public', 'moved']);
    assert.deepEqual(answer(await admin.put('/users/labels', { uid: u.uid, key: 'tier', scope: 'public', value: 'BAD VALUE!' })), errors(422, 'value.invalid'));
  });
});

describe('DELETE /admin/users/labels', () => {
  test('parameter errors, 404s, protection, then gone with level recomputed', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.del('/users/labels', { uid: u.uid })), errors(422, 'admin.user.missing_key', 'admin.user.empty_key', 'admin.user.missing_scope', 'admin.user.empty_scope'));
    assert.deepEqual(answer(await admin.del('/users/labels', { uid: 'IDNOSUCHUSER', key: 'email', scope: 'private' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.del('/users/labels', { uid: u.uid, key: 'phone', scope: 'private' })), errors(404, 'admin.label.doesnt_exist'));
    const sa = await makeUser(t, 'superadmin');
    assert.deepEqual(answer(await admin.del('/users/labels', { uid: sa.uid, key: 'email', scope: 'private' })), errors(422, 'admin.user.superadmin_change'));
    const acts = await lastActivityId(t);
    assert.deepEqual(answer(await admin.del('/users/labels', { uid: u.uid, key: 'email', scope: 'private' })), [200, '']);
    assert.deepEqual(await privateLabels(t, u.id), {});
    const row = await userRow(t, u.uid);
    assert.deepEqual([row.level, row.state], [0, 'pending']);
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });
});

describe('GET /admin/users/labels and /admin/users/labels/list', () => {
  test('users holding key=value in any scope, id order, paginated; key and value required', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    await admin.post('/users/labels', { uid: a.uid, key: 'cohort', value: 'spring', scope: 'private' });
    await admin.post('/users/labels', { uid: b.uid, key: 'cohort', value: 'spring' });
    await admin.post('/users/labels', { uid: b.uid, key: 'cohort', value: 'spring', scope: 'private' });
    const r = await admin.get('/users/labels', { key: 'Cohort', value: 'spring' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((u: { uid: string }) => u.uid), [a.uid, b.uid]);
    assert.deepEqual(Object.keys(r.body[0]).sort(), [...USER_KEYS].sort());
    assert.equal(r.headers.total, '2');
    const p2 = await admin.get('/users/labels', { key: 'cohort', value: 'spring', limit: '1', page: '2' });
    assert.deepEqual([p2.body.map((u: { uid: string }) => u.uid), p2.headers.total, p2.headers['per-page']], [[b.uid], '2', '1']);
    assert.deepEqual(answer(await admin.get('/users/labels', {})), errors(422, 'admin.user.missing_key', 'admin.user.missing_value'));
    assert.deepEqual(answer(await admin.get('/users/labels', { key: '', value: '' })), [200, []]);
  });

  test('labels/list: private (key, value) counts keyed by JSON arrays in Barong\'s spelling (Warden fix #6)', async () => {
    const before = (await admin.get('/users/labels/list')).body as Record<string, number>;
    const u = await makeUser(t);
    await admin.post('/users/labels', { uid: u.uid, key: 'kyc-tier', value: 'basic', scope: 'private' });
    await admin.post('/users/labels', { uid: u.uid, key: 'kyc-note', value: 'public-only' });
    const r = await admin.get('/users/labels/list');
    assert.equal(r.status, 200);
    assert.equal(r.body['["kyc-tier", "basic"]'], 1);
    assert.equal(r.body['["email", "verified"]'], (before['["email", "verified"]'] ?? 0) + 1);
    assert.equal(r.body['["kyc-note", "public-only"]'], undefined, 'public labels are not counted');
    for (const k of Object.keys(r.body)) assert.equal(JSON.parse(k).length, 2);
  });
});
