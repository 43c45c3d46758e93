import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import {
  adminActivities, answer, caller, errors, eventsSince, lastActivityId, lastEventId, makeUser, privateLabels, userRow, type Caller,
} from './users-fixtures.js';

const PROFILE_KEYS = ['address', 'city', 'country', 'created_at', 'dob', 'first_name', 'last_name', 'metadata', 'postcode', 'state', 'updated_at'];
const FIELDS = { first_name: 'Olena', last_name: 'Berezniy', dob: '1991-07-03', address: 'Khreshchatyk 1', postcode: '01001', city: 'Kyiv', country: 'UA', metadata: '{"src":"desk"}' };

describe('admin profiles', () => {
  let t: TestApp;
  let admin: Caller;
  before(async () => {
    t = await startTestApp();
    admin = await caller(t, 'admin');
  });
  after(async () => { await t.close(); });

  describe('POST /admin/profiles', () => {
    test('parameter errors, unknown uid (404, Barong answered 500), superadmin protection', async () => {
      assert.deepEqual(answer(await admin.post('/profiles', {})), errors(422, 'admin.profile.missing_uid'));
      assert.deepEqual(answer(await admin.post('/profiles', { uid: 'x', dob: 'not a date' })), errors(422, 'invalid'));
      assert.deepEqual(answer(await admin.post('/profiles', { uid: 'IDNOSUCHUSER', ...FIELDS })), errors(404, 'admin.user.doesnt_exist'));
      const sa = await makeUser(t, 'superadmin');
      assert.deepEqual(answer(await admin.post('/profiles', { uid: sa.uid, ...FIELDS })), errors(422, 'admin.profiles.superadmin_change'));
    });

    test('201: a submitted profile authored by the caller, unmasked; profile label, event, activity without personal data', async () => {
      const u = await makeUser(t);
      const events = await lastEventId(t);
      const acts = await lastActivityId(t);
      const r = await admin.post('/profiles', { uid: u.uid, ...FIELDS });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body).sort(), PROFILE_KEYS);
      assert.deepEqual([r.body.first_name, r.body.last_name, r.body.dob, r.body.city, r.body.state], ['Olena', 'Berezniy', '1991-07-03', 'Kyiv', 'submitted']);
      const [{ author }] = await t.c.db.query<{ author: string }>('SELECT author FROM profiles WHERE user_id = $1', [u.id]);
      assert.equal(author, admin.user.uid);
      assert.deepEqual(await privateLabels(t, u.id), { email: 'verified', profile: 'submitted' });
      assert.ok((await eventsSince(t, events)).some(([n]) => n === 'model.profile.created'));
      assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
      assert.deepEqual(answer(await admin.post('/profiles', { uid: u.uid, first_name: 'Again' })), errors(422, 'state.exists'));
      assert.deepEqual(answer(await admin.post('/profiles', { uid: (await makeUser(t)).uid, country: 'Atlantis' })), errors(422, 'country.must have alpha2 or alpha3 format'));
    });
  });

  describe('PUT /admin/profiles', () => {
    test('parameter errors; 404 without a user or a submitted profile; superadmin protection; only verdicts', async () => {
      assert.deepEqual(answer(await admin.put('/profiles', {})), errors(422, 'admin.profile.missing_uid', 'admin.profile.missing_state'));
      assert.deepEqual(answer(await admin.put('/profiles', { uid: 'IDNOSUCHUSER', state: 'verified' })), errors(404, 'admin.profiles.doesnt_exist_or_not_editable'));
      const drafted = await makeUser(t);
      await t.c.kycProfiles.profiles.create(drafted, { first_name: 'Draft' }, false);
      assert.deepEqual(answer(await admin.put('/profiles', { uid: drafted.uid, state: 'verified' })), errors(404, 'admin.profiles.doesnt_exist_or_not_editable'));
      const sa = await makeUser(t, 'superadmin');
      await t.c.kycProfiles.profiles.create(sa, { first_name: 'Boss' }, true);
      assert.deepEqual(answer(await admin.put('/profiles', { uid: sa.uid, state: 'verified' })), errors(422, 'admin.profiles.superadmin_change'));
      const u = await makeUser(t);
      await t.c.kycProfiles.profiles.create(u, { first_name: 'Sub' }, true);
      assert.deepEqual(answer(await admin.put('/profiles', { uid: u.uid, state: 'drafted' })), errors(422, 'state.inclusion'));
    });

    test('verify and reject: profile and label follow, state/level recomputed, activity', async () => {
      const u = await makeUser(t);
      await t.c.kycProfiles.profiles.create(u, { first_name: 'Ivan', last_name: 'Petrenko', dob: '1980-01-01' }, true);
      const acts = await lastActivityId(t);
      const r = await admin.put('/profiles', { uid: u.uid, state: 'verified', reason: 'documents match' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.state, r.body.last_name, r.body.dob], ['verified', 'Petrenko', '1980-01-01']);
      assert.deepEqual(await privateLabels(t, u.id), { email: 'verified', profile: 'verified' });
      assert.equal((await userRow(t, u.uid)).state, 'active');
      assert.deepEqual(await adminActivities(t, admin.user, acts), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
      assert.deepEqual(answer(await admin.put('/profiles', { uid: u.uid, state: 'rejected' })), errors(404, 'admin.profiles.doesnt_exist_or_not_editable'), 'a verified profile is not editable');

      const v = await makeUser(t);
      await t.c.kycProfiles.profiles.create(v, { first_name: 'Petro' }, true);
      assert.equal((await admin.put('/profiles', { uid: v.uid, state: 'rejected' })).body.state, 'rejected');
      assert.deepEqual(await privateLabels(t, v.id), { email: 'verified', profile: 'rejected' });
    });
  });

  describe('GET /admin/profiles', () => {
    test('every profile, newest first, unmasked, paginated', async () => {
      const u = await makeUser(t);
      await t.c.kycProfiles.profiles.create(u, { first_name: 'Newest', last_name: 'Masked', dob: '1970-12-31' }, false);
      const r = await admin.get('/profiles', { limit: '1' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.map((p: any) => [p.first_name, p.last_name, p.dob]), [['Newest', 'Masked', '1970-12-31']]);
      assert.deepEqual(Object.keys(r.body[0]).sort(), PROFILE_KEYS);
      assert.equal(r.headers['per-page'], '1');
      assert.ok(Number(r.headers.total) >= 5);
      assert.deepEqual(answer(await admin.get('/profiles', { limit: '101', page: 'x' })), errors(422, 'non_integer_page', 'invalid_limit'));
      assert.deepEqual(answer(await admin.get('/profiles', { limit: '101' })), errors(422, 'invalid_limit'));
    });
  });
});

describe('PROFILE_DOUBLE_VERIFICATION', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ PROFILE_DOUBLE_VERIFICATION: 'true', PROFILE_VERIFICATION_ROLES: 'superadmin' }); });
  after(async () => { await t.close(); });

  test('the author may not verify his own profile unless his role is exempt; another admin may', async () => {
    const author = await caller(t, 'admin');
    const second = await caller(t, 'compliance');
    const boss = await caller(t, 'superadmin');
    const u = await makeUser(t);
    assert.equal((await author.post('/profiles', { uid: u.uid, ...FIELDS })).status, 201);
    assert.deepEqual(answer(await author.put('/profiles', { uid: u.uid, state: 'verified' })), errors(422, 'admin.profiles.second_admin_approval'));
    assert.equal((await second.put('/profiles', { uid: u.uid, state: 'verified' })).status, 200);

    const v = await makeUser(t);
    assert.equal((await boss.post('/profiles', { uid: v.uid, ...FIELDS })).status, 201);
    assert.equal((await boss.put('/profiles', { uid: v.uid, state: 'rejected' })).status, 200, 'superadmin is exempt');
  });
});
