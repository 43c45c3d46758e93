import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueEmail } from '../../helpers/client.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { makeUser } from '../admin/users-fixtures.js';
import { Mgmt, answer, keychainFile } from './signers.js';

let t: TestApp;
let m: Mgmt;
before(async () => {
  t = await startTestApp({ MANAGEMENT_API_FILE: keychainFile() });
  m = new Mgmt(t);
});
after(async () => { await t.close(); });

const err = (status: number, error: unknown) => [status, { error }];
const SA_KEYS = ['email', 'uid', 'role', 'level', 'state', 'user', 'created_at', 'updated_at'];

describe('management service accounts', () => {
  test('create: with owner (state/level follow him) or without; errors', async () => {
    const owner = await makeUser(t);
    assert.deepEqual(answer(await m.post('/service_accounts/create', {})), err(422, 'service_account_role is missing, service_account_role is empty'));
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'service_account' })), err(422, ["Email can't be blank"]));
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'nope', service_account_email: 'bad' })), err(422, ['Email is invalid', 'Role doesnt_exist']));
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'service_account', service_account_email: owner.email })), err(422, ['Email or uid not_uniq']));
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'service_account', service_account_uid: owner.uid, service_account_email: uniqueEmail('sa') })), err(422, ['Email or uid not_uniq']));
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'service_account', owner_uid: 'IDNOSUCH00' })), err(404, 'Record is not found'));

    let r = await m.post('/service_accounts/create', { service_account_role: 'service_account', owner_uid: owner.uid, service_account_state: 'banned' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), SA_KEYS);
    assert.match(r.body.uid, /^SI[0-9A-F]{10}$/);
    assert.deepEqual([r.body.state, r.body.level, r.body.user.uid], [owner.state, owner.level, owner.uid]);
    assert.equal(r.body.email, `${owner.email.split('@')[0]}+${r.body.uid}@${owner.email.split('@')[1]}`);

    const email = uniqueEmail('lonely');
    r = await m.post('/service_accounts/create', { service_account_role: 'service_account', service_account_uid: 'SI00000000AA', service_account_email: email, service_account_level: 2 });
    assert.deepEqual([r.status, r.body.uid, r.body.email, r.body.state, r.body.level, r.body.user], [201, 'SI00000000AA', email, 'pending', 2, null]);
    assert.deepEqual(answer(await m.post('/service_accounts/create', { service_account_role: 'service_account', service_account_uid: 'SI00000000AA', service_account_email: uniqueEmail('x') })), err(422, ['Uid has already been taken']));
  });

  test('get, list (unknown owner → 404, Warden fix #15), update, delete', async () => {
    const owner = await makeUser(t);
    const other = await makeUser(t);
    const a = (await m.post('/service_accounts/create', { service_account_role: 'service_account', owner_uid: owner.uid })).body;
    const lonely = (await m.post('/service_accounts/create', { service_account_role: 'service_account', service_account_email: uniqueEmail('free') })).body;

    assert.deepEqual(answer(await m.post('/service_accounts/get', {})), err(422, 'uid, email are missing, exactly one parameter must be provided'));
    assert.deepEqual(answer(await m.post('/service_accounts/get', { uid: 'SINOSUCH00' })), err(404, 'Record is not found'));
    assert.deepEqual((await m.post('/service_accounts/get', { email: a.email })).body.uid, a.uid);
    let r = await m.post('/service_accounts/get', { uid: a.uid });
    assert.deepEqual([r.status, r.body.user.uid], [200, owner.uid]);

    r = await m.post('/service_accounts/list', { owner_uid: owner.uid });
    assert.deepEqual([r.status, r.headers.total, r.body.map((s: { uid: string }) => s.uid)], [200, '1', [a.uid]]);
    assert.deepEqual((await m.post('/service_accounts/list', { owner_email: owner.email })).body.map((s: { uid: string }) => s.uid), [a.uid]);
    assert.deepEqual(answer(await m.post('/service_accounts/list', { owner_uid: 'IDNOSUCH00' })), err(404, 'Record is not found'));
    assert.deepEqual(answer(await m.post('/service_accounts/list', { owner_email: 'nobody@example.com' })), err(404, 'Record is not found'));
    assert.ok(Number((await m.post('/service_accounts/list', {})).headers.total) >= 2);

    assert.deepEqual(answer(await m.post('/service_accounts/update', { uid: 'SINOSUCH00', owner_uid: other.uid })), err(422, 'Service account doesnt exist'));
    r = await m.post('/service_accounts/update', { uid: lonely.uid, owner_uid: other.uid });
    assert.deepEqual([r.status, r.body.user.uid, r.body.state, r.body.level], [201, other.uid, other.state, other.level]);

    const key = await t.c.apiKeys.create({ type: 'ServiceAccount', id: Number((await t.c.db.query<{ id: string }>('SELECT id FROM service_accounts WHERE uid = $1', [a.uid]))[0].id), state: 'active' }, { algorithm: 'HS256' });
    assert.deepEqual(answer(await m.post('/service_accounts/delete', { uid: 'SINOSUCH00' })), err(404, 'Record is not found'));
    r = await m.post('/service_accounts/delete', { uid: a.uid });
    assert.deepEqual([r.status, r.body.uid, r.body.state], [200, a.uid, 'disabled']);
    const [k] = await t.c.db.query<{ state: string }>('SELECT state FROM apikeys WHERE kid = $1', [key.kid]);
    assert.equal(k.state, 'inactive');
  });
});
