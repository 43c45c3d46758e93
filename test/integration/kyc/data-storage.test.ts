import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, type Res } from '../../helpers/client.js';
import { usersRepo } from '../../../src/db/repositories/users.js';

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

describe('POST /resource/data_storage with DATA_STORAGE_TITLES=personal,Tax_Residency,profile', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ DATA_STORAGE_TITLES: 'personal, Tax_Residency,profile' }); });
  after(async () => { await t.close(); });

  test('stores the record (shown in users/me), sets <title>=recorded privately, emits model.data_storage.created', async () => {
    const c = await activeUser(t);
    const r = await c.send('POST', '/resource/data_storage', { title: 'personal', data: '{"occupation":"pilot"}' });
    assert.deepEqual([r.status, r.body], [201, '']);
    const me = (await c.get('/resource/users/me')).body;
    assert.equal(me.data_storages.length, 1);
    assert.deepEqual(Object.keys(me.data_storages[0]).sort(), ['created_at', 'data', 'title', 'updated_at']);
    assert.deepEqual([me.data_storages[0].title, me.data_storages[0].data], ['personal', '{"occupation":"pilot"}']);
    assert.ok(me.labels.some((l: { key: string; value: string; scope: string }) => l.key === 'personal' && l.value === 'recorded' && l.scope === 'private'));
    const [ev] = await t.c.db.query<{ payload: { record: Record<string, unknown> } }>(
      `SELECT payload FROM outbox WHERE name = 'model.data_storage.created' AND payload->'record'->'user'->>'uid' = $1`, [me.uid]);
    assert.deepEqual([ev.payload.record.title, ev.payload.record.data], ['personal', '{"occupation":"pilot"}']);
  });

  test('a mixed-case title becomes a lower-case label key; the same title again is title.taken (any case)', async () => {
    const c = await activeUser(t);
    assert.equal((await c.send('POST', '/resource/data_storage', { title: 'Tax_Residency', data: '["DE"]' })).status, 201);
    const me = (await c.get('/resource/users/me')).body;
    assert.ok(me.labels.some((l: { key: string; value: string }) => l.key === 'tax_residency' && l.value === 'recorded'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'Tax_Residency', data: '["FR"]' })), errors(422, 'title.taken'));
  });

  test('parameters and model errors', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', {})), errors(422,
      'resource.datastorage.missing_title', 'resource.datastorage.empty_title', 'resource.datastorage.missing_data', 'resource.datastorage.empty_data'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'personal', data: '{oops' })), errors(422, 'data.invalid_format'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'personal', data: JSON.stringify('x'.repeat(5200)) })), errors(422, 'data.too_long'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'hobbies', data: '{}' })), errors(422, 'title.inclusion'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'user', data: '{}' })), errors(422, 'title.inclusion', 'title.exclusion'));
    assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'profile', data: '{}' })), errors(422, 'title.exclusion'));
    assert.deepEqual((await c.get('/resource/users/me')).body.data_storages, []);
  });

  test('removing a record removes its label too (Warden fix #17, used by the admin API)', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/data_storage', { title: 'personal', data: '{}' });
    const user = (await usersRepo.byUid(t.c.db, (await c.get('/resource/users/me')).body.uid))!;
    assert.equal(await t.c.kycProfiles.dataStorage.remove(user, 'PERSONAL'), true);
    assert.equal(await t.c.kycProfiles.dataStorage.remove(user, 'personal'), false);
    const me = (await c.get('/resource/users/me')).body;
    assert.deepEqual([me.data_storages, me.labels.some((l: { key: string }) => l.key === 'personal')], [[], false]);
  });

  test('needs a caller', async () => {
    assert.deepEqual(answer(await new Client(t).post('/resource/data_storage', { title: 'personal', data: '{}' })), errors(401, 'jwt.decode_and_verify'));
  });
});

describe('Barong\'s default: no titles configured', () => {
  test('every title is title.inclusion', async () => {
    const t = await startTestApp();
    try {
      const c = await activeUser(t);
      assert.deepEqual(answer(await c.send('POST', '/resource/data_storage', { title: 'personal', data: '{}' })), errors(422, 'title.inclusion'));
    } finally {
      await t.close();
    }
  });
});
