import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { Client, STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { makeUser } from '../admin/users-fixtures.js';
import { jpeg } from '../../fixtures/kyc/files.js';
import { Mgmt, answer, keychainFile } from './signers.js';

let t: TestApp;
let m: Mgmt;
before(async () => {
  t = await startTestApp({ MANAGEMENT_API_FILE: keychainFile() });
  m = new Mgmt(t);
});
after(async () => { await t.close(); });

const err = (status: number, error: unknown) => [status, { error }];

describe('management phones', () => {
  test('phones: create validated, list unmasked, delete; documented errors', async () => {
    const u = await makeUser(t);
    const other = await makeUser(t);
    assert.deepEqual(answer(await m.post('/phones/get', {})), err(422, 'uid is missing, uid is empty'));
    assert.deepEqual(answer(await m.post('/phones/get', { uid: 'IDNOSUCH00' })), err(422, 'user.doesnt_exist'));
    assert.deepEqual(answer(await m.post('/phones', { uid: u.uid })), err(422, 'number is missing, number is empty'));
    assert.deepEqual(answer(await m.post('/phones', { uid: 'IDNOSUCH00', number: '+380971230001' })), err(422, 'user.doesnt_exist'));
    assert.deepEqual(answer(await m.post('/phones', { uid: u.uid, number: '12' })), err(400, 'management.phone.invalid_num'));
    let r = await m.post('/phones', { uid: u.uid, number: '+38 (097) 123-00-01' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.country, r.body.number, typeof r.body.validated_at], ['UA', '380971230001', 'string']);
    assert.deepEqual(answer(await m.post('/phones', { uid: u.uid, number: '380971230001' })), err(400, 'management.phone.number_exist'));
    assert.deepEqual(answer(await m.post('/phones', { uid: other.uid, number: '380971230001' })), err(400, 'management.phone.number_exist'));
    r = await m.post('/phones/get', { uid: u.uid });
    assert.deepEqual([r.status, r.body.map((p: { number: string }) => p.number)], [201, ['380971230001']]);
    assert.deepEqual(answer(await m.post('/phones/delete', { uid: u.uid, number: '380971239999' })), err(422, 'management.phone.doesnt_exists'));
    assert.deepEqual(answer(await m.post('/phones/delete', { uid: 'IDNOSUCH00', number: '380971230001' })), err(422, 'user.doesnt_exist'));
    r = await m.post('/phones/delete', { uid: u.uid, number: '+380971230001' });
    assert.deepEqual([r.status, r.body.number], [201, '380971230001']);
    assert.deepEqual((await m.post('/phones/get', { uid: u.uid })).body, []);
  });
});

describe('management profiles and import', () => {
  test('profiles: state as given or drafted; errors', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/profiles', { uid: 'IDNOSUCH00', first_name: 'Ann' })), err(422, 'user.doesnt_exist'));
    assert.deepEqual(answer(await m.post('/profiles', { uid: u.uid, first_name: ' ' })), err(422, 'first_name is empty'));
    assert.deepEqual(answer(await m.post('/profiles', { uid: u.uid, dob: 'someday' })), err(422, 'dob is invalid'));
    assert.deepEqual(answer(await m.post('/profiles', { uid: u.uid, country: 'Narnia' })), err(422, ['Country must have alpha2 or alpha3 format']));
    let r = await m.post('/profiles', { uid: u.uid, first_name: 'Anna', last_name: 'Berezniy', dob: '1985-01-02', country: 'UA' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.uid, r.body.profiles.length, r.body.profiles[0].state, r.body.profiles[0].last_name, r.body.profiles[0].dob], [u.uid, 1, 'drafted', 'Berezniy', '1985-01-02']);
    assert.deepEqual(answer(await m.post('/profiles', { uid: u.uid, first_name: 'Anna' })), err(422, ['State already exists']));
    const v = await makeUser(t);
    r = await m.post('/profiles', { uid: v.uid, first_name: 'Ivan', state: 'verified' });
    assert.deepEqual([r.status, r.body.profiles[0].state], [201, 'verified']);
  });

  test('users/import: bcrypt digest signs in; phone validated; profile; errors', async () => {
    assert.deepEqual(answer(await m.post('/users/import', {})), err(422, 'email is missing, email is empty, password_digest is missing, password_digest is empty'));
    const email = uniqueEmail('imported');
    const digest = bcrypt.hashSync(STRONG_PASSWORD, 4);
    const r = await m.post('/users/import', { email, password_digest: digest, phone: '+380971230077', first_name: 'Olena', last_name: 'Koval', country: 'UA' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.email, r.body.state, r.body.profiles[0].state, r.body.profiles[0].last_name], [email, 'pending', 'drafted', 'Koval']);
    const kyc = await m.post('/users/get', { uid: r.body.uid });
    assert.deepEqual(kyc.body.phones.map((p: { number: string; validated_at: string | null }) => [p.number, p.validated_at !== null]), [['380971230077', true]]);
    assert.deepEqual(answer(await m.post('/users/import', { email, password_digest: digest })), err(422, 'User already exists by this email'));
    // the imported digest works at login (then Warden re-hashes it with argon2id)
    const login = await new Client(t).post('/identity/sessions', { email, password: STRONG_PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const [row] = await t.c.db.query<{ password_digest: string }>('SELECT password_digest FROM users WHERE email = $1', [email]);
    assert.ok(row.password_digest.startsWith('$argon2id$'), row.password_digest.slice(0, 8));
    // a bad phone answers 422 and leaves the user created (Barong's order)
    const email2 = uniqueEmail('imported');
    assert.deepEqual(answer(await m.post('/users/import', { email: email2, password_digest: digest, phone: '12' })), err(422, ['Number is invalid']));
    assert.equal((await m.post('/users/get', { email: email2 })).status, 201);
  });
});

describe('management documents', () => {
  const doc = (uid: string, extra: Record<string, unknown> = {}) => ({
    uid, doc_type: 'Passport', doc_number: 'AB1234567', filename: 'passport', file_ext: '.jpg', upload: jpeg().toString('base64'),
    doc_expire: new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10), ...extra,
  });

  test('stores the decoded file through the KYC document step; documented errors', async () => {
    const u = await makeUser(t);
    assert.deepEqual(answer(await m.post('/documents', {})), err(422,
      'uid is missing, uid is empty, doc_type is missing, doc_type is empty, doc_number is missing, doc_number is empty, filename is missing, filename is empty, file_ext is missing, file_ext is empty, upload is missing, upload is empty'));
    // Warden fix #12: Barong answered 500 {"errors":["user doesnt exist"]}
    assert.deepEqual(answer(await m.post('/documents', doc('IDNOSUCH00'))), err(404, 'Record is not found'));
    assert.deepEqual(answer(await m.post('/documents', doc(u.uid, { upload: 'not base64!' }))), err(422, 'upload is invalid'));
    assert.deepEqual(answer(await m.post('/documents', doc(u.uid, { doc_expire: 'soon' }))), err(422, 'doc_expire is invalid'));
    const noExpire: Record<string, unknown> = doc(u.uid);
    delete noExpire.doc_expire;
    assert.deepEqual(answer(await m.post('/documents', noExpire)), err(422, 'Doc expire is invalid'));
    assert.deepEqual(answer(await m.post('/documents', doc(u.uid, { doc_type: 'Selfie' }))), err(422, 'Doc type is not included in the list'));
    const r = await m.post('/documents', doc(u.uid, { update_labels: true }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const rows = await t.c.db.query<{ doc_type: string; upload: string }>('SELECT doc_type, upload FROM documents WHERE user_id = $1', [u.id]);
    assert.deepEqual(rows.map((d) => d.doc_type), ['Passport']);
    const kyc = await m.post('/users/get', { uid: u.uid });
    assert.deepEqual(kyc.body.labels.filter((l: { key: string }) => l.key === 'document').map((l: { value: string }) => l.value), ['pending']);
  });
});
