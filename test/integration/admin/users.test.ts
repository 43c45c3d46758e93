import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, UA } from '../../helpers/client.js';
import { jpeg } from '../../fixtures/kyc/files.js';
import { dayFromNow, field, file, postMultipart, userId } from '../kyc/helpers.js';
import {
  KYC_KEYS, ROLES, USER_KEYS, adminActivities, answer, caller, errors, eventsSince, lastActivityId, lastEventId, makeUser, privateLabels,
  setPrivateLabel, userRow, Caller,
} from './users-fixtures.js';
import { usersRepo } from '../../../src/db/repositories/users.js';

let t: TestApp;
let admin: Caller;
let superadmin: Caller;
before(async () => {
  t = await startTestApp({ DATA_STORAGE_TITLES: 'questionnaire' });
  admin = await caller(t, 'admin');
  superadmin = await caller(t, 'superadmin');
});
after(async () => { await t.close(); });

const uids = (body: { uid: string }[]) => body.map((u) => u.uid);
const at = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

async function setColumn(uid: string, column: 'created_at' | 'updated_at' | 'level' | 'state', value: unknown): Promise<void> {
  await t.c.db.query(`UPDATE users SET ${column} = $2 WHERE uid = $1`, [uid, value]);
}

describe('GET /admin/users: list, filters, ordering, pagination', () => {
  test('rows are User entities with exactly Barong\'s keys; pagination headers', async () => {
    const u = await makeUser(t);
    const r = await admin.get('/users', { uid: u.uid });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, [{ email: u.email, username: null, uid: u.uid, role: 'member', level: 1, otp: false, state: 'active', referral_uid: null, data: null }]);
    assert.deepEqual(Object.keys(r.body[0]).sort(), [...USER_KEYS].sort());
    assert.deepEqual([r.headers.total, r.headers.page, r.headers['per-page']], ['1', '1', '100']);

    await makeUser(t);
    await makeUser(t);
    const all = await admin.get('/users', { limit: '2', page: '2' });
    assert.equal(all.status, 200);
    assert.equal(all.body.length, 2);
    assert.deepEqual([all.headers.page, all.headers['per-page']], ['2', '2']);
    assert.ok(Number(all.headers.total) >= 5);
    const first = await admin.get('/users', { limit: '2' });
    assert.equal(first.body[1].uid, (await admin.get('/users', { limit: '1', page: '2' })).body[0].uid, 'stable id order');
    const beyond = await admin.get('/users', { uid: u.uid, page: '5' });
    assert.deepEqual([beyond.status, beyond.body, beyond.headers.total], [200, [], '1']);
  });

  test('page and limit errors; filters of the wrong type', async () => {
    assert.deepEqual(answer(await admin.get('/users', { limit: '101' })), errors(422, 'invalid_limit'));
    assert.deepEqual(answer(await admin.get('/users', { limit: '0', page: '0' })), errors(422, 'non_positive_page', 'invalid_limit'));
    assert.deepEqual(answer(await admin.get('/users', { page: 'x', limit: 'y' })), errors(422, 'non_integer_page', 'non_integer_limit'));
    assert.deepEqual(answer(await admin.get('/users', { level: 'high', from: 'yesterday' })), errors(422, 'invalid', 'invalid'));
    assert.deepEqual(answer(await admin.get('/users', { extended: 'maybe' })), errors(422, 'admin.user.non_boolean_extended'));
    assert.deepEqual(answer(await admin.get('/users', { range: 'deleted' })), errors(422, 'admin.user.invalid_range'));
    assert.deepEqual(answer(await admin.get('/users', { level: 'high', range: 'deleted', limit: '0' })), errors(422, 'invalid', 'admin.user.invalid_range', 'invalid_limit'));
    assert.deepEqual(answer(await admin.get('/users', { ordering: 'up' })), errors(422, 'user.ordering.invalid_ordering'));
    assert.deepEqual(answer(await admin.get('/users', { order_by: 'password_digest' })), errors(422, 'user.ordering.invalid_attribute'));
    assert.deepEqual(answer(await admin.get('/users', { order_by: 'id; DROP TABLE users' })), errors(422, 'user.ordering.invalid_attribute'));
  });

  test('exact filters: uid, email (any case), role, level, state; blank filters mean any', async () => {
    const a = await makeUser(t, 'technical');
    const b = await makeUser(t, 'technical');
    await setColumn(a.uid, 'level', 7);
    await setColumn(b.uid, 'state', 'testing');
    assert.deepEqual(uids((await admin.get('/users', { email: a.email.toUpperCase() })).body), [a.uid]);
    assert.deepEqual(uids((await admin.get('/users', { level: '7' })).body), [a.uid]);
    assert.deepEqual(uids((await admin.get('/users', { state: 'testing' })).body), [b.uid]);
    const techs = uids((await admin.get('/users', { role: 'technical' })).body);
    assert.ok(techs.includes(a.uid) && techs.includes(b.uid));
    assert.deepEqual(uids((await admin.get('/users', { role: 'technical', state: 'testing' })).body), [b.uid]);
    assert.deepEqual(uids((await admin.get('/users', { uid: a.uid, email: '', role: ' ', level: '' })).body), [a.uid]);
    assert.deepEqual((await admin.get('/users', { uid: 'IDNOSUCHUSER' })).body, []);
  });

  test('range created|updated with from/to (unix seconds, inclusive); ordering and order_by', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    await setColumn(a.uid, 'created_at', '2001-02-03T10:00:00Z');
    await setColumn(b.uid, 'created_at', '2001-02-04T10:00:00.500Z');
    await setColumn(a.uid, 'updated_at', '2002-01-01T00:00:00Z');
    const r = await admin.get('/users', { from: at('2001-02-03T10:00:00Z'), to: at('2001-02-04T10:00:00Z') });
    assert.deepEqual([uids(r.body), r.headers.total], [[a.uid, b.uid], '2']);
    assert.deepEqual(uids((await admin.get('/users', { from: at('2001-02-03T10:00:01Z'), to: at('2001-12-31T00:00:00Z') })).body), [b.uid]);
    assert.deepEqual(uids((await admin.get('/users', { to: at('2001-02-03T10:00:00Z') })).body), [a.uid]);
    assert.deepEqual(uids((await admin.get('/users', { range: 'updated', from: at('2001-12-31T00:00:00Z'), to: at('2002-01-02T00:00:00Z') })).body), [a.uid]);
    const desc = await admin.get('/users', { from: at('2001-01-01T00:00:00Z'), to: at('2001-12-31T00:00:00Z'), ordering: 'desc' });
    assert.deepEqual(uids(desc.body), [b.uid, a.uid]);
    const byCreated = await admin.get('/users', { from: at('2001-01-01T00:00:00Z'), to: at('2001-12-31T00:00:00Z'), order_by: 'created_at', ordering: 'desc' });
    assert.deepEqual(uids(byCreated.body), [b.uid, a.uid]);
    const byEmail = await admin.get('/users', { from: at('2001-01-01T00:00:00Z'), to: at('2001-12-31T00:00:00Z'), order_by: 'email' });
    assert.deepEqual(uids(byEmail.body), [a, b].sort((x, y) => (x.email < y.email ? -1 : 1)).map((u) => u.uid));
  });

  test('country, first_name and last_name match a profile (names through the blind index); extended shows profiles unmasked', async () => {
    const u = await makeUser(t);
    const other = await makeUser(t);
    await t.c.kycProfiles.profiles.create(u, { first_name: 'Zebulon', last_name: 'Quixotic', dob: '1990-05-17', country: 'IS' }, true);
    await t.c.kycProfiles.profiles.review(u, 'verified');
    await t.c.kycProfiles.profiles.create(u, { first_name: 'Zebulon', last_name: 'Quixotic', country: 'is' }, false);
    await t.c.kycProfiles.profiles.create(other, { first_name: 'Zebulon', last_name: 'Other', country: 'NO' }, false);
    assert.deepEqual(uids((await admin.get('/users', { country: 'IS' })).body), [u.uid], 'one row per user');
    assert.deepEqual(uids((await admin.get('/users', { country: 'is' })).body), [u.uid]);
    assert.deepEqual(uids((await admin.get('/users', { first_name: '  zebulon ' })).body).sort(), [u.uid, other.uid].sort());
    assert.deepEqual(uids((await admin.get('/users', { first_name: 'Zebulon', last_name: 'QUIXOTIC' })).body), [u.uid]);
    assert.deepEqual(uids((await admin.get('/users', { last_name: 'Other', country: 'IS' })).body), [], 'one profile must match every criterion');
    assert.deepEqual((await admin.get('/users', { last_name: 'Quixote' })).body, []);

    const ext = await admin.get('/users', { uid: u.uid, extended: 'true' });
    assert.equal(ext.status, 200);
    assert.deepEqual(Object.keys(ext.body[0]).sort(), [...USER_KEYS, 'profiles', 'created_at', 'updated_at'].sort());
    assert.deepEqual(ext.body[0].profiles.map((p: any) => [p.first_name, p.last_name, p.dob, p.country, p.state]), [
      ['Zebulon', 'Quixotic', '1990-05-17', 'IS', 'verified'], ['Zebulon', 'Quixotic', null, 'IS', 'drafted'],
    ]);
    assert.match(ext.body[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('GET /admin/users/:uid: UserWithKYC', () => {
  test('every sub-entity unmasked: profiles, labels with description, phones, documents, data storages, comments', async () => {
    const client = await activeUser(t);
    const me = await userId(t, client);
    const up = await postMultipart(t, client, '/resource/documents', [
      field('doc_type', 'Passport'), field('doc_number', 'AB1234567'), field('doc_expire', dayFromNow(t, 365)), file(jpeg(), 'front.jpg'),
    ]);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const user = (await t.c.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [me.id]))[0];
    const u = (await usersRepo.byId(t.c.db, me.id))!;
    await t.c.kycProfiles.profiles.create(u, { first_name: 'Anna', last_name: 'Berezniy', dob: '1985-01-02', country: 'UA' }, false);
    await t.c.kycProfiles.dataStorage.create(u, 'questionnaire', '{"q":1}');
    await t.c.db.query('INSERT INTO phones (user_id, country, number_encrypted, number_index, validated_at) VALUES ($1, $2, $3, $4, now())',
      [me.id, 'UA', t.c.kycProfiles.pii.encryptField('380971232322'), t.c.kycProfiles.pii.blindIndex('380971232322')]);
    assert.equal((await admin.post('/users/comments', { uid: me.uid, title: 'call', data: 'called him' })).status, 201);

    const r = await admin.get(`/users/${me.uid}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), [...KYC_KEYS].sort());
    assert.equal(r.body.email, user.email);
    assert.deepEqual(r.body.profiles.map((p: any) => [p.first_name, p.last_name, p.dob, p.state]), [['Anna', 'Berezniy', '1985-01-02', 'drafted']]);
    assert.deepEqual(r.body.phones.map((p: any) => [p.country, p.number]), [['UA', '380971232322']]);
    assert.deepEqual(r.body.documents.map((d: any) => [d.doc_type, d.doc_number]), [['Passport', 'AB1234567']]);
    assert.match(r.body.documents[0].upload.url, /uploads/);
    assert.deepEqual(r.body.data_storages.map((d: any) => [d.title, d.data]), [['questionnaire', '{"q":1}']]);
    assert.deepEqual(Object.keys(r.body.labels[0]).sort(), ['created_at', 'description', 'key', 'scope', 'updated_at', 'value']);
    assert.deepEqual(r.body.labels.map((l: any) => [l.key, l.value, l.scope]), [
      ['email', 'verified', 'private'], ['document', 'pending', 'private'], ['profile', 'drafted', 'private'], ['questionnaire', 'recorded', 'private'],
    ]);
    assert.deepEqual(r.body.comments.map((c: any) => [c.author_uid, c.title, c.data]), [[admin.user.uid, 'call', 'called him']]);
    assert.deepEqual(Object.keys(r.body.comments[0]).sort(), ['author_uid', 'created_at', 'data', 'id', 'title', 'updated_at']);
  });

  test('unknown uid → 404 admin.user.doesnt_exist; static segments are not uids', async () => {
    assert.deepEqual(answer(await admin.get('/users/IDNOSUCHUSER')), errors(404, 'admin.user.doesnt_exist'));
    assert.equal((await admin.get('/users/labels/list')).status, 200);
  });
});

describe('POST /admin/users/update and PUT /admin/users', () => {
  test('parameter errors: missing uid, exactly one of state/otp(/email)', async () => {
    assert.deepEqual(answer(await admin.post('/users/update', {})), errors(422, 'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.one_of_state_otp'));
    const u = await makeUser(t);
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, state: 'banned', otp: false })), errors(422, 'admin.user.one_of_state_otp'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, state: ' ' })), errors(422, 'admin.user.empty_state'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, otp: 'perhaps' })), errors(422, 'invalid'));
    assert.deepEqual(answer(await admin.put('/users', { uid: u.uid })), errors(422, 'admin.user.one_of_state_otp_email'));
    assert.deepEqual(answer(await admin.put('/users', { uid: u.uid, state: 'banned', email: 'x@example.com' })), errors(422, 'admin.user.one_of_state_otp_email'));
    assert.deepEqual(answer(await superadmin.put('/users', { uid: u.uid, email: '' })), errors(422, 'admin.user.empty_email'));
  });

  test('checks in order: unknown uid, superadmin protection, himself, 2FA enable, no change', async () => {
    const u = await makeUser(t);
    const sa = await makeUser(t, 'superadmin');
    assert.deepEqual(answer(await admin.post('/users/update', { uid: 'IDNOSUCHUSER', state: 'banned' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: sa.uid, state: 'banned' })), errors(422, 'admin.user.superadmin_change'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: admin.user.uid, state: 'banned' })), errors(422, 'admin.user.update_himself'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, otp: true })), errors(422, 'admin.user.enable_2fa'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, otp: false })), errors(422, 'admin.user.otp_no_change'));
    assert.deepEqual(answer(await admin.post('/users/update', { uid: u.uid, state: 'active' })), errors(422, 'admin.user.state_no_change'));
    assert.deepEqual(answer(await admin.put('/users', { uid: u.uid, email: 'new@example.com' })), errors(422, 'superadmin.user.update_email'));
    assert.equal((await superadmin.post('/users/update', { uid: sa.uid, state: 'locked' })).status, 200, 'a superadmin may change a superadmin');
  });

  test('state: stored, event, API keys off, admin activity, the gateway cache and the user\'s JWT see it at once', async () => {
    const u = await makeUser(t);
    const key = await t.c.apiKeys.create({ type: 'User', id: u.id, state: 'active' }, { algorithm: 'HS256' });
    const victim = new Caller(t, u);
    assert.equal((await t.c.users.get(u.uid))?.state, 'active', 'cached by the gateway');
    const events = await lastEventId(t);
    const acts = await lastActivityId(t);
    const r = await admin.post('/users/update', { uid: u.uid, state: 'banned', reason: '  Chargeback under investigation ' });
    assert.deepEqual([r.status, r.body], [200, '']);
    assert.equal((await userRow(t, u.uid)).state, 'banned');
    const ev = (await eventsSince(t, events)).filter(([n]) => n === 'model.user.updated');
    assert.deepEqual(ev.map(([, rec, ch]) => [rec.uid, rec.state, ch]), [[u.uid, 'banned', { state: 'active' }]]);
    const [{ state: keyState }] = await t.c.db.query<{ state: string }>('SELECT state FROM apikeys WHERE kid = $1', [key.kid]);
    assert.equal(keyState, 'inactive');
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    for (let i = 0; i < 50 && (await t.c.users.get(u.uid))?.state !== 'banned'; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal((await t.c.users.get(u.uid))?.state, 'banned', 'user-changed announced after the commit');
    const me = await t.app.inject({ method: 'GET', url: `${t.prefix}/resource/users/me`, headers: { authorization: `Bearer ${victim.jwt}` } });
    assert.deepEqual([me.statusCode, JSON.parse(me.body)], [401, { errors: ['authz.user_not_active'] }]);

    assert.equal((await admin.put('/users', { uid: u.uid, state: 'active' })).status, 200, 'PUT takes state too');
    assert.equal((await userRow(t, u.uid)).state, 'active');
  });

  test('ban, lock or delete keeps the user\'s sessions (BARONG.md §10.4): refused with authz.user_not_active meanwhile, working again after', async () => {
    const member = await activeUser(t);
    const uid = (await member.get('/resource/users/me')).body.uid as string;
    const gate = async () => {
      const res = await t.app.inject({ method: 'GET', url: `${t.c.config.AUTHZ_PREFIX}${t.prefix}/resource/users/me`, headers: { 'user-agent': UA, cookie: `${t.c.config.SESSION_COOKIE_NAME}=${member.cookie}` } });
      return [res.statusCode, res.body === '' ? null : JSON.parse(res.body)];
    };
    // The gateway's user cache follows the change announcement (at once in memory, over pub/sub with Redis).
    const settled = async (status: number) => {
      for (let i = 0; i < 100 && (await gate())[0] !== status; i++) await new Promise((res) => setTimeout(res, 20));
      return gate();
    };
    assert.deepEqual(await gate(), [200, null]);
    for (const state of ['banned', 'locked', 'deleted']) {
      assert.equal((await admin.post('/users/update', { uid, state })).status, 200, state);
      assert.deepEqual(await settled(401), [401, { errors: ['authz.user_not_active'] }], state);
      assert.deepEqual(answer(await member.get('/resource/users/me')), errors(401, 'authz.user_not_active'), `${state}: resource API without a gateway too`);
      assert.equal((await admin.post('/users/update', { uid, state: 'active' })).status, 200);
      assert.deepEqual(await settled(200), [200, null], `${state} lifted: the same session works`);
      assert.equal((await member.get('/resource/users/me')).status, 200);
    }
  });

  test('otp=false turns 2FA off like the user would (flag, otp label, API keys); never on', async () => {
    const u = await makeUser(t);
    await setPrivateLabel(t, u, 'otp', 'enabled');
    await t.c.db.query('UPDATE users SET otp = true WHERE id = $1', [u.id]);
    const key = await t.c.apiKeys.create({ type: 'User', id: u.id, state: 'active' }, { algorithm: 'HS256' });
    const acts = await lastActivityId(t);
    assert.equal((await admin.put('/users', { uid: u.uid, otp: 'false' })).status, 200);
    assert.equal((await userRow(t, u.uid)).otp, false);
    assert.deepEqual(await privateLabels(t, u.id), { email: 'verified' });
    const [{ state }] = await t.c.db.query<{ state: string }>('SELECT state FROM apikeys WHERE kid = $1', [key.kid]);
    assert.equal(state, 'inactive');
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });

  test('email (superadmins only): model errors, taken (any case), changed with an event', async () => {
    const u = await makeUser(t);
    const other = await makeUser(t);
    assert.deepEqual(answer(await superadmin.put('/users', { uid: u.uid, email: 'not-an-email' })), errors(422, 'email.invalid'));
    assert.deepEqual(answer(await superadmin.put('/users', { uid: u.uid, email: other.email.toUpperCase() })), errors(422, 'email.taken'));
    const events = await lastEventId(t);
    const fresh = `renamed${Date.now()}@example.com`;
    assert.equal((await superadmin.put('/users', { uid: u.uid, email: fresh })).status, 200);
    assert.equal((await userRow(t, u.uid)).email, fresh);
    const ev = await eventsSince(t, events);
    assert.deepEqual(ev.map(([n, rec, ch]) => [n, rec.email, ch]), [['model.user.updated', fresh, { email: u.email }]]);
  });

  test('email: the current address → 422 admin.user.email_no_change, nothing written', async () => {
    const u = await makeUser(t);
    const events = await lastEventId(t);
    assert.deepEqual(answer(await superadmin.put('/users', { uid: u.uid, email: u.email })), errors(422, 'admin.user.email_no_change'));
    assert.deepEqual(answer(await superadmin.put('/users', { uid: u.uid, email: ` ${u.email} ` })), errors(422, 'admin.user.email_no_change'), 'compared as stored');
    assert.deepEqual(await eventsSince(t, events), []);
  });
});

describe('POST /admin/users/role', () => {
  test('errors in order and the role change', async () => {
    const u = await makeUser(t);
    const sa = await makeUser(t, 'superadmin');
    assert.deepEqual(answer(await admin.post('/users/role', {})), errors(422, 'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_role', 'admin.user.empty_role'));
    assert.deepEqual(answer(await admin.post('/users/role', { uid: 'IDNOSUCHUSER', role: 'admin' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.post('/users/role', { uid: sa.uid, role: 'member' })), errors(422, 'admin.user.superadmin_change'));
    assert.deepEqual(answer(await admin.post('/users/role', { uid: admin.user.uid, role: 'member' })), errors(422, 'admin.user.update_himself'));
    assert.deepEqual(answer(await admin.post('/users/role', { uid: u.uid, role: 'superadmin' })), errors(422, 'admin.user.superadmin_change'), 'only a superadmin makes a superadmin');
    assert.deepEqual(answer(await admin.post('/users/role', { uid: u.uid, role: 'member' })), errors(422, 'admin.user.role_no_change'));
    assert.deepEqual(answer(await admin.post('/users/role', { uid: u.uid, role: 'pirate' })), errors(422, 'role.doesnt_exist'));

    const events = await lastEventId(t);
    const acts = await lastActivityId(t);
    assert.deepEqual(answer(await admin.post('/users/role', { uid: u.uid, role: 'support', reason: 'joined the desk' })), [200, '']);
    assert.equal((await userRow(t, u.uid)).role, 'support');
    assert.deepEqual((await eventsSince(t, events)).map(([n, rec, ch]) => [n, rec.role, ch]), [['model.user.updated', 'support', { role: 'member' }]]);
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.equal((await superadmin.post('/users/role', { uid: u.uid, role: 'superadmin' })).status, 200);
    assert.equal((await userRow(t, u.uid)).role, 'superadmin');
  });
});

describe('GET /admin/users/documents/pending', () => {
  test('users whose document label is pending or replaced, oldest label change first, filters apply; extended = UserWithKYC', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const c = await makeUser(t);
    await setPrivateLabel(t, a, 'document', 'pending');
    await setPrivateLabel(t, b, 'document', 'replaced');
    await setPrivateLabel(t, c, 'document', 'verified');
    await t.c.db.query("UPDATE labels SET updated_at = '2001-01-02' WHERE user_id = $1 AND key = 'document'", [a.id]);
    await t.c.db.query("UPDATE labels SET updated_at = '2001-01-01' WHERE user_id = $1 AND key = 'document'", [b.id]);
    const r = await admin.get('/users/documents/pending');
    assert.equal(r.status, 200);
    const mine = uids(r.body).filter((uid) => [a.uid, b.uid, c.uid].includes(uid));
    assert.deepEqual(mine, [b.uid, a.uid]);
    assert.deepEqual(Object.keys(r.body[0]).sort(), [...USER_KEYS].sort());
    assert.deepEqual(uids((await admin.get('/users/documents/pending', { uid: a.uid })).body), [a.uid]);
    const ext = await admin.get('/users/documents/pending', { uid: b.uid, extended: 'true' });
    assert.deepEqual(Object.keys(ext.body[0]).sort(), [...KYC_KEYS].sort());
    assert.equal(ext.headers.total, '1');
    assert.deepEqual(answer(await admin.get('/users/documents/pending', { range: 'x', limit: '500' })), errors(422, 'admin.user.invalid_range', 'invalid_limit'));
  });
});

describe('DELETE /admin/users/data_storage', () => {
  test('404s, then the record and its title label go (Warden fix #17); answers UserWithKYC', async () => {
    const u = await makeUser(t);
    await t.c.kycProfiles.dataStorage.create(u, 'questionnaire', '{"a":1}');
    assert.deepEqual(await privateLabels(t, u.id), { email: 'verified', questionnaire: 'recorded' });
    assert.deepEqual(answer(await admin.del('/users/data_storage', {})), errors(422, 'admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_title', 'admin.user.empty_title'));
    assert.deepEqual(answer(await admin.del('/users/data_storage', { uid: 'IDNOSUCHUSER', title: 'questionnaire' })), errors(404, 'admin.user.doesnt_exist'));
    assert.deepEqual(answer(await admin.del('/users/data_storage', { uid: u.uid, title: 'passport' })), errors(404, 'admin.storage.doesnt_exist'));
    const acts = await lastActivityId(t);
    const r = await admin.del('/users/data_storage', { uid: u.uid, title: 'Questionnaire' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), [...KYC_KEYS].sort());
    assert.deepEqual(r.body.data_storages, []);
    assert.deepEqual(r.body.labels.map((l: any) => l.key), ['email']);
    assert.deepEqual(await privateLabels(t, u.id), { email: 'verified' });
    assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });
});

/**
 * Every endpoint of the admin user side × every role of Barong's default abilities (§16.3).
 * Requests are harmless (unknown uid, missing parameters): a role that may call the endpoint
 * gets past the ability check (200/404/422), the others get 401 admin.ability.not_permitted.
 */
describe('ability matrix', () => {
  const ENDPOINTS: [string, string, string, Record<string, string>?][] = [
    ['GET users', 'GET', '/users'],
    ['GET users/:uid', 'GET', '/users/IDNOSUCHUSER'],
    ['GET users/documents/pending', 'GET', '/users/documents/pending'],
    ['POST users/update', 'POST', '/users/update'],
    ['PUT users', 'PUT', '/users'],
    ['POST users/role', 'POST', '/users/role'],
    ['DELETE users/data_storage', 'DELETE', '/users/data_storage'],
    ['GET users/labels/list', 'GET', '/users/labels/list'],
    ['GET users/labels', 'GET', '/users/labels', { key: 'email', value: 'verified' }],
    ['POST users/labels', 'POST', '/users/labels'],
    ['POST users/labels/update', 'POST', '/users/labels/update'],
    ['PUT users/labels', 'PUT', '/users/labels'],
    ['DELETE users/labels', 'DELETE', '/users/labels'],
    ['GET users/comments', 'GET', '/users/comments', { uid: 'IDNOSUCHUSER' }],
    ['POST users/comments', 'POST', '/users/comments'],
    ['PUT users/comments', 'PUT', '/users/comments'],
    ['DELETE users/comments', 'DELETE', '/users/comments'],
    ['GET profiles', 'GET', '/profiles'],
    ['PUT profiles', 'PUT', '/profiles'],
    ['POST profiles', 'POST', '/profiles'],
  ];
  // Written out from Barong's defaults (A = allowed), in ENDPOINTS order.
  const EXPECTED: Record<(typeof ROLES)[number], string> = {
    superadmin: 'AAAAAAAAAAAAAAAAAAAA',
    admin: 'AAAAAAAAAAAAAAAAAAAA',
    technical: 'AAA----AA----A---A--',
    accountant: 'AAA----AA----A---A--',
    compliance: 'AAAAAAAAAAAAAAAAAAAA',
    support: 'AAAAAAAAA----AAAAA--',
    member: '--------------------',
  };

  test('each role × each endpoint: allowed, or 401 admin.ability.not_permitted', async (ctx) => {
    const lines: string[] = [];
    const width = Math.max(...ENDPOINTS.map(([n]) => n.length));
    lines.push(`${'endpoint'.padEnd(width)}  ${ROLES.map((r) => r.padEnd(11)).join('')}`);
    const got: Record<string, string> = Object.fromEntries(ROLES.map((r) => [r, '']));
    const callers = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await caller(t, r)] as const)));
    for (const [name, method, path, query] of ENDPOINTS) {
      const cells: string[] = [];
      for (const role of ROLES) {
        const r = await callers[role].call(method, path, { query, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
        const denied = r.status === 401 && JSON.stringify(r.body) === '{"errors":["admin.ability.not_permitted"]}';
        if (!denied) assert.ok([200, 404, 422].includes(r.status), `${role} ${name}: ${r.status} ${JSON.stringify(r.body)}`);
        got[role] += denied ? '-' : 'A';
        cells.push((denied ? '401' : `ok ${r.status}`).padEnd(11));
      }
      lines.push(`${name.padEnd(width)}  ${cells.join('')}`);
    }
    ctx.diagnostic('ability matrix (ok = passed the ability check; 401 = admin.ability.not_permitted)');
    for (const line of lines) ctx.diagnostic(line);
    assert.deepEqual(got, EXPECTED);
  });

  test('without credentials: 401 jwt.decode_and_verify', async () => {
    const r = await t.app.inject({ method: 'GET', url: `${t.prefix}/admin/users` });
    assert.deepEqual([r.statusCode, JSON.parse(r.body)], [401, { errors: ['jwt.decode_and_verify'] }]);
  });
});
