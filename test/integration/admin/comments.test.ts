import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { KYC_KEYS, adminActivities, answer, caller, errors, lastActivityId, makeUser, type Caller } from './users-fixtures.js';

let t: TestApp;
let admin: Caller;
let support: Caller;
before(async () => {
  t = await startTestApp();
  admin = await caller(t, 'admin');
  support = await caller(t, 'support');
});
after(async () => { await t.close(); });

const comments = (body: { comments: { author_uid: string; title: string; data: string }[] }) => body.comments.map((c) => [c.author_uid, c.title, c.data]);

describe('POST /admin/users/comments', () => {
  test('parameter errors, length limits, unknown uid', async () => {
    assert.deepEqual(answer(await admin.post('/users/comments', {})), errors(422,
      'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_title', 'admin.user.empty_title', 'admin.user.missing_data', 'admin.user.empty_data'));
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.post('/users/comments', { uid: u.uid, title: 'x'.repeat(65), data: 'y'.repeat(65_536) })), errors(422,
      'admin.comments.title_too_long', 'admin.comments.data_too_long'));
    assert.equal((await admin.post('/users/comments', { uid: u.uid, title: 'é'.repeat(64), data: 'ok' })).status, 201, '64 characters, not bytes');
    assert.deepEqual(answer(await admin.post('/users/comments', { uid: 'IDNOSUCHUSER', title: 'a', data: 'b' })), errors(404, 'admin.user.doesnt_exist'));
  });

  test('201 with the user\'s UserWithKYC; the author is the caller; admin activity', async () => {
    const u = await makeUser(t);
    const acts = await lastActivityId(t);
    const r = await support.post('/users/comments', { uid: u.uid, title: 'KYC call', data: 'asked for a clearer selfie' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), [...KYC_KEYS].sort());
    assert.equal(r.body.uid, u.uid);
    assert.deepEqual(comments(r.body), [[support.user.uid, 'KYC call', 'asked for a clearer selfie']]);
    assert.equal(typeof r.body.comments[0].id, 'number');
    assert.deepEqual(await adminActivities(t, support.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });
});

describe('PUT and DELETE /admin/users/comments', () => {
  test('edit: id required (integer); unknown → 404 record.not_found; omitted fields stay', async () => {
    const u = await makeUser(t);
    const created = await admin.post('/users/comments', { uid: u.uid, title: 'first', data: 'original' });
    const id = created.body.comments[0].id as number;
    assert.deepEqual(answer(await admin.put('/users/comments', {})), errors(422, 'admin.user.missing_id'));
    assert.deepEqual(answer(await admin.put('/users/comments', { id: 'abc' })), errors(422, 'invalid'));
    assert.deepEqual(answer(await admin.put('/users/comments', { id, title: 'x'.repeat(65) })), errors(422, 'admin.comments.title_too_long'));
    assert.deepEqual(answer(await admin.put('/users/comments', { id: 99_999_999, title: 'x' })), errors(404, 'record.not_found'));
    const acts = await lastActivityId(t);
    const r = await support.put('/users/comments', { id, title: 'renamed' });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), [...KYC_KEYS].sort());
    assert.deepEqual(comments(r.body), [[admin.user.uid, 'renamed', 'original']], 'the author stays');
    assert.deepEqual(await adminActivities(t, support.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.deepEqual(comments((await admin.put('/users/comments', { id: String(id), data: 'rewritten' })).body), [[admin.user.uid, 'renamed', 'rewritten']]);
  });

  test('delete: unknown → 404 record.not_found; 200 with the user\'s UserWithKYC without it', async () => {
    const u = await makeUser(t);
    await admin.post('/users/comments', { uid: u.uid, title: 'keep', data: '1' });
    const second = await admin.post('/users/comments', { uid: u.uid, title: 'drop', data: '2' });
    const id = second.body.comments[1].id as number;
    assert.deepEqual(answer(await admin.del('/users/comments', {})), errors(422, 'admin.user.missing_id'));
    assert.deepEqual(answer(await admin.del('/users/comments', { id: '99999999' })), errors(404, 'record.not_found'));
    const acts = await lastActivityId(t);
    const r = await admin.call('DELETE', '/users/comments', { body: { id, reason: 'duplicate' } });
    assert.equal(r.status, 200);
    assert.deepEqual(comments(r.body), [[admin.user.uid, 'keep', '1']]);
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.deepEqual(answer(await admin.del('/users/comments', { id: String(id) })), errors(404, 'record.not_found'));
  });
});

describe('GET /admin/users/comments', () => {
  test('a user\'s comments, oldest first, paginated; 404 for an unknown uid', async () => {
    const u = await makeUser(t);
    for (const title of ['one', 'two', 'three']) await admin.post('/users/comments', { uid: u.uid, title, data: title });
    const r = await admin.get('/users/comments', { uid: u.uid, limit: '2' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((c: { title: string }) => c.title), ['one', 'two']);
    assert.deepEqual(Object.keys(r.body[0]).sort(), ['author_uid', 'created_at', 'data', 'id', 'title', 'updated_at']);
    assert.deepEqual([r.headers.total, r.headers.page, r.headers['per-page']], ['3', '1', '2']);
    assert.deepEqual((await admin.get('/users/comments', { uid: u.uid, limit: '2', page: '2' })).body.map((c: { title: string }) => c.title), ['three']);
    assert.deepEqual(answer(await admin.get('/users/comments', { uid: 'IDNOSUCHUSER' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.get('/users/comments', {})), errors(422, 'admin.user.missing_uid', 'admin.user.empty_uid'));
  });
});

describe('abilities (Barong\'s abilities file has no Comment model)', () => {
  test('reading needs read User, writing update User: superadmin writes, technical and accountant only read, member nothing', async () => {
    const u = await makeUser(t);
    const root = await caller(t, 'superadmin');
    const created = await root.post('/users/comments', { uid: u.uid, title: 'by root', data: 'x' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.comments[0].id);
    assert.equal((await root.put('/users/comments', { id, title: 'edited' })).status, 200);
    for (const role of ['technical', 'accountant']) {
      const c = await caller(t, role);
      assert.equal((await c.get('/users/comments', { uid: u.uid })).status, 200, role);
      assert.deepEqual(answer(await c.post('/users/comments', { uid: u.uid, title: 't', data: 'd' })), errors(401, 'admin.ability.not_permitted'), role);
      assert.deepEqual(answer(await c.put('/users/comments', { id, title: 't' })), errors(401, 'admin.ability.not_permitted'), role);
      assert.deepEqual(answer(await c.del('/users/comments', { id })), errors(401, 'admin.ability.not_permitted'), role);
    }
    assert.deepEqual(answer(await (await caller(t, 'member')).get('/users/comments', { uid: u.uid })), errors(401, 'admin.ability.not_permitted'));
    assert.equal((await root.del('/users/comments', { id })).status, 200);
  });
});
