import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { serviceAccountsRepo } from '../../../src/db/repositories/service-accounts.js';
import type { User } from '../../../src/domain/users/user.js';
import { answer, caller, errors, makeUser, type Caller } from './users-fixtures.js';

let t: TestApp;
let root: Caller;
let owner: User;
let kids: string[];
before(async () => {
  t = await startTestApp();
  root = await caller(t, 'superadmin');
  owner = await makeUser(t);
  const holder = { type: 'User' as const, id: owner.id, state: 'active' };
  kids = [];
  for (const scope of [['trade'], [], ['read', 'withdraw']]) kids.push((await t.c.apiKeys.create(holder, { algorithm: 'HS256', scope })).kid);
});
after(async () => { await t.close(); });

describe('GET admin/api_keys', () => {
  test('the keys the user holds, id order, without secrets; APIKey keys; pagination headers', async () => {
    const r = await root.get('/api_keys', { uid: owner.uid });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((k: { kid: string }) => k.kid), kids);
    assert.deepEqual(Object.keys(r.body[0]), ['kid', 'algorithm', 'scope', 'state', 'created_at', 'updated_at']);
    assert.deepEqual([r.body[0].algorithm, r.body[0].scope, r.body[0].state, r.body[2].scope], ['HS256', ['trade'], 'active', ['read', 'withdraw']]);
    assert.ok(!JSON.stringify(r.body).includes('secret'));
    assert.deepEqual([r.headers.total, r.headers.page, r.headers['per-page']], ['3', '1', '100']);
  });

  test('ordering, order_by, page and limit', async () => {
    const desc = await root.get('/api_keys', { uid: owner.uid, ordering: 'DESC', order_by: 'created_at' });
    assert.deepEqual(desc.body.map((k: { kid: string }) => k.kid), [...kids].reverse());
    const p2 = await root.get('/api_keys', { uid: owner.uid, limit: '2', page: '2' });
    assert.deepEqual([p2.body.map((k: { kid: string }) => k.kid), p2.headers.total, p2.headers['per-page']], [[kids[2]], '3', '2']);
  });

  test('a user without keys → [] with Total 0; a service account\'s keys are not the owner\'s', async () => {
    const other = await makeUser(t);
    const sa = await serviceAccountsRepo.insert(t.c.db, { uid: 'SI00000000A1', ownerId: other.id, email: `sa+${other.uid}@example.com`, role: 'service_account', level: 1, state: 'active' });
    await t.c.apiKeys.create({ type: 'ServiceAccount', id: sa.id, state: 'active' }, { algorithm: 'HS256' });
    const r = await root.get('/api_keys', { uid: other.uid });
    assert.deepEqual([r.status, r.body, r.headers.total], [200, [], '0']);
  });

  test('errors: uid missing or blank, bad ordering, unknown uid, paging', async () => {
    assert.deepEqual(answer(await root.get('/api_keys')), errors(422, 'admin.apikey.missing_uid', 'admin.apikey.empty_uid'));
    assert.deepEqual(answer(await root.get('/api_keys', { uid: ' ' })), errors(422, 'admin.apikey.empty_uid'));
    assert.deepEqual(answer(await root.get('/api_keys', { uid: owner.uid, ordering: 'up', order_by: 'secret' })),
      errors(422, 'api_keys.ordering.invalid_ordering', 'api_keys.ordering.invalid_attribute'));
    assert.deepEqual(answer(await root.get('/api_keys', { uid: 'ID0000000000' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await root.get('/api_keys', { uid: owner.uid, limit: '500' })), errors(422, 'invalid_limit'));
    assert.deepEqual(answer(await root.get('/api_keys', { uid: owner.uid, ordering: 'bad', page: '0' })),
      errors(422, 'api_keys.ordering.invalid_ordering', 'non_positive_page'), 'every failing parameter, in declaration order');
    assert.deepEqual(answer(await root.get('/api_keys', { ordering: 'bad' })),
      errors(422, 'admin.apikey.missing_uid', 'admin.apikey.empty_uid', 'api_keys.ordering.invalid_ordering'));
  });

  test('abilities: read APIKey (technical yes, accountant and support no)', async () => {
    assert.equal((await (await caller(t, 'technical')).get('/api_keys', { uid: owner.uid })).status, 200);
    for (const role of ['accountant', 'support']) {
      assert.deepEqual(answer(await (await caller(t, role)).get('/api_keys', { uid: owner.uid })), errors(401, 'admin.ability.not_permitted'), role);
    }
  });
});

describe('GET admin/service_accounts', () => {
  test('all accounts or one owner\'s, id order, with the owner; state and level mirror the owner; ServiceAccounts keys', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const sa1 = await serviceAccountsRepo.insert(t.c.db, { uid: 'SI00000000B1', ownerId: a.id, email: `sa1+${a.uid}@example.com`, role: 'service_account', level: 0, state: 'active' });
    const sa2 = await serviceAccountsRepo.insert(t.c.db, { uid: 'SI00000000B2', ownerId: a.id, email: `sa2+${a.uid}@example.com`, role: 'service_account', level: 0, state: 'disabled' });
    await serviceAccountsRepo.insert(t.c.db, { uid: 'SI00000000B3', ownerId: b.id, email: `sa3+${b.uid}@example.com`, role: 'service_account', level: 0, state: 'active' });
    const r = await root.get('/service_accounts', { owner_uid: a.uid });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((s: { uid: string }) => s.uid), [sa1.uid, sa2.uid]);
    assert.deepEqual(Object.keys(r.body[0]), ['email', 'uid', 'role', 'level', 'state', 'user', 'created_at', 'updated_at']);
    assert.deepEqual([r.body[0].level, r.body[0].state, r.body[1].state], [a.level, 'active', 'disabled']);
    assert.deepEqual([r.body[0].user.uid, r.body[0].user.email, r.headers.total], [a.uid, a.email, '2']);
    const all = await root.get('/service_accounts', { limit: '2' });
    assert.deepEqual([all.body.length, Number(all.headers.total) >= 4], [2, true]);
  });

  test('errors: unknown owner → 404 admin.user.doesnt_exist; blank owner_uid → 422; abilities read User', async () => {
    assert.deepEqual(answer(await root.get('/service_accounts', { owner_uid: 'ID0000000000' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await root.get('/service_accounts', { owner_uid: '' })), errors(422, 'admin.serviceaccount.empty_owner_uid'));
    assert.equal((await (await caller(t, 'admin')).get('/service_accounts')).status, 200);
    assert.equal((await (await caller(t, 'technical')).get('/service_accounts')).status, 200, 'technical reads User');
    assert.deepEqual(answer(await (await caller(t, 'member')).get('/service_accounts')), errors(401, 'admin.ability.not_permitted'));
  });
});
