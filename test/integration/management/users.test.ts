import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { KYC_KEYS, USER_KEYS, makeUser } from '../admin/users-fixtures.js';
import { Mgmt, answer, keychainFile } from './signers.js';

let t: TestApp;
let m: Mgmt;
before(async () => {
  t = await startTestApp({ MANAGEMENT_API_FILE: keychainFile({ read_labels: { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['peatio'] } }) });
  m = new Mgmt(t);
});
after(async () => { await t.close(); });

const err = (status: number, error: unknown) => [status, { error }];
const PROFILE_KEYS = [...USER_KEYS, 'profiles', 'created_at', 'updated_at'];

describe('management users', () => {
  test('users/get: exactly one of uid, email, phone_num; 404 when nobody', async () => {
    const u = await makeUser(t);
    await t.c.db.query('INSERT INTO phones (user_id, country, number_encrypted, number_index, validated_at) VALUES ($1, $2, $3, $4, now())',
      [u.id, 'UA', t.c.kycProfiles.pii.encryptField('380971232399'), t.c.kycProfiles.pii.blindIndex('380971232399')]);
    assert.deepEqual(answer(await m.post('/users/get', {})), err(422, 'uid, email, phone_num are missing, exactly one parameter must be provided'));
    assert.deepEqual(answer(await m.post('/users/get', { uid: u.uid, email: u.email })), err(422, 'uid, email are mutually exclusive'));
    assert.deepEqual(answer(await m.post('/users/get', { uid: ' ' })), err(422, 'uid is empty'));
    assert.deepEqual(answer(await m.post('/users/get', { uid: 'IDNOSUCH00' })), err(404, 'Record is not found'));
    assert.deepEqual(answer(await m.post('/users/get', { phone_num: '380000000000' })), err(404, 'Record is not found'));
    for (const by of [{ uid: u.uid }, { email: u.email }, { phone_num: '380971232399' }]) {
      const r = await m.post('/users/get', by);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body).sort(), [...KYC_KEYS].sort());
      assert.equal(r.body.uid, u.uid);
    }
    const r = await m.post('/users/get', { uid: u.uid });
    assert.equal(r.body.phones[0].number, '380971232399'); // unmasked
  });

  test('users/list: paginated, filters, extended, errors', async () => {
    const u = await makeUser(t, 'member', uniqueEmail('listed'));
    let r = await m.post('/users/list', { email: u.email });
    assert.equal(r.status, 200);
    assert.equal(r.headers.total, '1');
    assert.deepEqual(Object.keys(r.body[0]).sort(), [...USER_KEYS].sort());
    r = await m.post('/users/list', { uid: u.uid, extended: true });
    assert.deepEqual(r.body[0].profiles, []);
    assert.ok('created_at' in r.body[0]);
    r = await m.post('/users/list', { limit: 1, page: 2 });
    assert.equal(r.body.length, 1);
    assert.equal(r.headers.page, '2');
    assert.deepEqual(answer(await m.post('/users/list', { extended: 'maybe' })), err(422, 'Non boolean extended value'));
    assert.deepEqual(answer(await m.post('/users/list', { range: 'born' })), err(422, 'range Non positive page'));
    assert.deepEqual(answer(await m.post('/users/list', { page: 0 })), err(422, 'page does not have a valid value'));
    assert.deepEqual(answer(await m.post('/users/list', { from: 'yesterday' })), err(422, 'from is invalid'));
  });

  test('users (create): a pending member; validation and model errors', async () => {
    assert.deepEqual(answer(await m.post('/users', {})), err(422, 'email is missing, email is empty, password is missing, password is empty'));
    assert.deepEqual(answer(await m.post('/users', { email: 'nope', password: 'weak' })), err(422, ['Email is invalid', 'Password requirements']));
    assert.deepEqual(answer(await m.post('/users', { email: uniqueEmail(), password: STRONG_PASSWORD, referral_uid: 'IDNOSUCH00' })), err(422, 'referral.doesnt_exist'));
    const ref = await makeUser(t);
    const email = uniqueEmail('mgmt');
    const r = await m.post('/users', { email, password: STRONG_PASSWORD, referral_uid: ref.uid });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), [...PROFILE_KEYS].sort());
    assert.deepEqual([r.body.email, r.body.state, r.body.role, r.body.referral_uid, r.body.profiles], [email, 'pending', 'member', ref.uid, []]);
    assert.deepEqual(answer(await m.post('/users', { email, password: STRONG_PASSWORD })), err(422, ['Email has already been taken']));
    // write_users needs applogic: peatio alone is not enough
    assert.deepEqual(answer(await m.post('/users', { email: uniqueEmail(), password: STRONG_PASSWORD }, ['peatio'])), err(401, 'Not enough signatures for the action.'));
  });

  test('users/update: role and/or data', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/users/update', { uid: u.uid })), err(422, 'role, data are missing, at least one parameter must be provided'));
    assert.deepEqual(answer(await m.post('/users/update', { role: 'admin' })), err(422, 'uid is missing, uid is empty'));
    assert.deepEqual(answer(await m.post('/users/update', { uid: 'IDNOSUCH00', role: 'admin' })), err(422, 'user.doesnt_exist'));
    assert.deepEqual(answer(await m.post('/users/update', { uid: u.uid, role: 'doesnt_exist' })), err(422, ['Role doesnt_exist']));
    const r = await m.post('/users/update', { uid: u.uid, role: 'admin', data: '{"lang":"fr"}' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.role, r.body.data], ['admin', '{"lang":"fr"}']);
  });
});

describe('management labels', () => {
  test('labels/list: both scopes; 404 unknown uid; read_labels here needs peatio', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/labels/list', { user_uid: u.uid })), err(401, 'Not enough signatures for the action.'));
    assert.deepEqual(answer(await m.post('/labels/list', { user_uid: 'IDNOSUCH00' }, ['peatio'])), err(404, 'Record is not found'));
    assert.deepEqual(answer(await m.post('/labels/list', {}, ['peatio'])), err(422, 'user_uid is missing, user_uid is empty'));
    const r = await m.post('/labels/list', { user_uid: u.uid }, ['applogic', 'peatio']);
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.map((l: { key: string; value: string; scope: string }) => [l.key, l.value, l.scope]), [['email', 'verified', 'private']]);
    assert.deepEqual(Object.keys(r.body[0]), ['key', 'value', 'scope', 'description', 'created_at', 'updated_at']);
  });

  test('labels POST / PUT / delete on private labels', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/labels', { user_uid: u.uid })), err(422, 'key is missing, key is empty, value is missing, value is empty'));
    assert.deepEqual(answer(await m.post('/labels', { user_uid: 'IDNOSUCH00', key: 'tier', value: 'gold' })), err(404, 'Record is not found'));
    let r = await m.post('/labels', { user_uid: u.uid, key: 'tier', value: 'gold', description: 'vip' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.key, r.body.value, r.body.scope], ['tier', 'gold', 'private']);
    assert.deepEqual(Object.keys(r.body), ['key', 'value', 'scope', 'created_at', 'updated_at']);
    // Warden fix #12: full messages under `error`, not Barong's raw hash
    assert.deepEqual(answer(await m.post('/labels', { user_uid: u.uid, key: 'tier', value: 'gold' })), err(422, ['Key has already been taken']));

    r = await m.put('/labels', { user_uid: u.uid, key: 'tier', value: 'silver' });
    assert.deepEqual([r.status, r.body.value], [200, 'silver']);
    assert.deepEqual(answer(await m.put('/labels', { user_uid: u.uid, key: 'absent', value: 'xyz', replace: false })), err(404, 'label doesnt exist'));
    r = await m.put('/labels', { user_uid: u.uid, key: 'absent', value: 'xyz', scope: 'public' });
    assert.deepEqual([r.status, r.body.key, r.body.scope], [200, 'absent', 'public']);

    assert.deepEqual(answer(await m.post('/labels/delete', { user_uid: u.uid, key: 'nothing' })), err(404, 'Record is not found'));
    r = await m.post('/labels/delete', { user_uid: u.uid, key: 'tier' });
    assert.equal(r.status, 204);
    const left = await t.c.db.query<{ key: string }>('SELECT key FROM labels WHERE user_id = $1 ORDER BY key', [u.id]);
    assert.deepEqual(left.map((l) => l.key), ['absent', 'email']);
  });

  test('labels/filter/users: key, value, scope; extended rows mask profiles', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    await m.post('/labels', { user_uid: a.uid, key: 'cohort', value: 'q01' });
    await m.put('/labels', { user_uid: b.uid, key: 'cohort', value: 'q01', scope: 'public' });
    await t.c.kycProfiles.profiles.create(a, { first_name: 'Anna', last_name: 'Berezniy', dob: '1985-01-02', country: 'UA' }, false);
    let r = await m.post('/labels/filter/users', { key: 'cohort', value: 'q01' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((u: { uid: string }) => u.uid).sort(), [a.uid, b.uid].sort());
    r = await m.post('/labels/filter/users', { key: 'cohort', scope: 'public' });
    assert.deepEqual(r.body.map((u: { uid: string }) => u.uid), [b.uid]);
    r = await m.post('/labels/filter/users', { key: 'cohort', value: 'q01', scope: 'private', extended: true });
    assert.deepEqual(r.body.map((u: { uid: string }) => u.uid), [a.uid]);
    assert.equal(r.body[0].profiles[0].last_name, 'B*******');
    assert.deepEqual((await m.post('/labels/filter/users', { key: 'cohort', value: 'q09' })).body, []);
    assert.deepEqual(answer(await m.post('/labels/filter/users', {})), err(422, 'key is missing, key is empty'));
  });
});
