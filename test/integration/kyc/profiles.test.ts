import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, Client, type Res } from '../../helpers/client.js';
import { usersRepo } from '../../../src/db/repositories/users.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const PROFILE_KEYS = ['first_name', 'last_name', 'dob', 'address', 'postcode', 'city', 'country', 'state', 'metadata', 'created_at', 'updated_at'];
const FULL = {
  first_name: 'Zoë', last_name: 'Berezniy', dob: '1990-05-17', address: '221B Baker St., flat #2', postcode: 'NW1 6XE', city: 'London',
  country: 'GB', metadata: '{"source":"web"}',
};
const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

async function meOf(client: Client) {
  return (await client.get('/resource/users/me')).body as { uid: string; level: number; state: string; labels: { key: string; value: string; scope: string }[]; profiles: Record<string, unknown>[] };
}
const profileLabel = async (client: Client) => (await meOf(client)).labels.find((l) => l.key === 'profile');
async function events(uid: string, prefix: string) {
  return t.c.db.query<{ name: string; payload: { record: Record<string, unknown>; changes?: Record<string, unknown> } }>(
    `SELECT name, payload FROM outbox WHERE name LIKE $2 AND payload->'record'->'user'->>'uid' = $1 ORDER BY id`, [uid, `${prefix}%`]);
}

describe('POST /resource/profiles', () => {
  test('creates a drafted profile, masked, with the private profile label and a model event', async () => {
    const c = await activeUser(t);
    const r = await c.send('POST', '/resource/profiles', FULL);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), [...PROFILE_KEYS].sort());
    assert.deepEqual({ ...r.body, created_at: undefined, updated_at: undefined }, {
      ...FULL, last_name: 'B*******', dob: '1990-05-**', state: 'drafted', created_at: undefined, updated_at: undefined,
    });
    assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const label = await profileLabel(c);
    assert.deepEqual([label?.key, label?.value, label?.scope], ['profile', 'drafted', 'private']);
    const me = await meOf(c);
    assert.deepEqual([me.state, me.level], ['active', 1], 'profile=drafted is not a level and keeps the user active');
    assert.deepEqual(me.profiles, [r.body], 'users/me renders the same masked profile');
    const [created] = await events(me.uid, 'model.profile.');
    assert.equal(created.name, 'model.profile.created');
    assert.deepEqual({ ...created.payload.record, user: undefined, created_at: undefined, updated_at: undefined }, {
      ...FULL, user: undefined, created_at: undefined, updated_at: undefined,
    }, 'events carry the unmasked fields');
    assert.equal((created.payload.record.user as { uid: string }).uid, me.uid);
  });

  test('personal fields are sealed at rest; names and dob have blind indexes', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/profiles', FULL);
    const me = await meOf(c);
    const [row] = await t.c.db.query<Record<string, string | null>>('SELECT p.* FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.uid = $1', [me.uid]);
    // Values of 5+ characters only: a random ciphertext contains a two-letter string such as the
    // country code "GB" by chance in about one run in ten, which would fail a sound column.
    const plain = Object.values(FULL).filter((v) => v.length >= 5);
    for (const col of ['first_name_encrypted', 'last_name_encrypted', 'dob_encrypted', 'address_encrypted', 'postcode_encrypted', 'city_encrypted']) {
      assert.ok(row[col] && !plain.some((v) => row[col]!.includes(v)), `${col} holds no plaintext`);
      assert.ok(!row[col]!.includes('Zoë') && !row[col]!.toLowerCase().includes('berezniy'), `${col} holds no name`);
    }
    assert.equal(row.country, 'GB');
    const pii = t.c.kycProfiles.pii;
    assert.deepEqual([row.first_name_index, row.last_name_index, row.dob_index], [pii.blindIndex('zoë'), pii.blindIndex('BEREZNIY'), pii.blindIndex('1990-05-17')]);
    const ids = await t.c.kycProfiles.profiles.findUserIds({ lastName: ' berezniy ', country: 'gb' });
    const [{ id }] = await t.c.db.query<{ id: string }>('SELECT id FROM users WHERE uid = $1', [me.uid]);
    assert.ok(ids.includes(Number(id)), 'admin lookups find the user by last name and country');
  });

  test('confirm=true submits at once; a second open profile is state.exists', async () => {
    const c = await activeUser(t);
    const r = await c.send('POST', '/resource/profiles', { first_name: 'Ann', confirm: true });
    assert.deepEqual([r.status, r.body.state, r.body.last_name, r.body.country], [201, 'submitted', null, null]);
    assert.equal((await profileLabel(c))!.value, 'submitted');
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { first_name: 'Again' })), errors(422, 'state.exists'));
  });

  test('an empty body creates an empty drafted profile (all parameters are optional)', async () => {
    const c = await activeUser(t);
    const r = await c.send('POST', '/resource/profiles', {});
    assert.deepEqual([r.status, r.body.state, r.body.first_name, r.body.metadata], [201, 'drafted', null, null]);
  });

  test('model errors: Barong keys, nothing saved', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { metadata: '{nope' })), errors(422, 'metadata.invalid_format'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { address: 'me@home' })), errors(422, 'address.invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { city: 'Kyiv#2' })), errors(422, 'city.invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { city: 'K@yiv' })), errors(422, 'city.invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { country: 'Narnia' })), errors(422, 'country.must have alpha2 or alpha3 format'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { country: 'XX' })), errors(422, 'country.must have alpha2 or alpha3 format'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { first_name: 'R2-D2!', postcode: 'x' })), errors(422, 'first_name.invalid', 'postcode.too_short'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { last_name: 'x'.repeat(256) })), errors(422, 'last_name.too_long'));
    const tomorrow = new Date(t.clock.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { dob: tomorrow })), errors(422, 'dob.invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { dob: 'someday' })), errors(422, 'invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { dob: '1990-02-30' })), errors(422, 'invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/profiles', { confirm: 'maybe' })), errors(422, 'invalid'));
    assert.deepEqual((await c.get('/resource/profiles/me')).body, []);
    assert.equal(await profileLabel(c), undefined);
  });

  test('alpha-3 countries, lenient dates, unicode names and form bodies are accepted', async () => {
    const c = await activeUser(t);
    const r = await c.call('POST', '/resource/profiles', {
      form: true, headers: { 'x-csrf-token': c.csrf! },
      body: { first_name: '  Jean   Luc ', last_name: "O'Brien-Løkken", dob: '22/01/1980', country: 'che', city: 'Zürich', confirm: 'yes' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.first_name, r.body.last_name, r.body.dob, r.body.country, r.body.city, r.body.state],
      ['Jean Luc', 'O*************', '1980-01-**', 'CHE', 'Zürich', 'submitted']);
  });
});

describe('PUT /resource/profiles', () => {
  test('edits only the given fields of the drafted profile; confirm submits; model.profile.updated has the changes', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/profiles', FULL);
    const r = await c.send('PUT', '/resource/profiles', { city: 'Manchester', last_name: 'Smith' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.city, r.body.last_name, r.body.first_name, r.body.state], ['Manchester', 'S****', 'Zoë', 'drafted']);
    const done = await c.send('PUT', '/resource/profiles', { confirm: true });
    assert.deepEqual([done.status, done.body.state, done.body.city], [200, 'submitted', 'Manchester']);
    assert.equal((await profileLabel(c))!.value, 'submitted');
    const me = await meOf(c);
    const updated = (await events(me.uid, 'model.profile.updated')).map((e) => e.payload.changes);
    assert.deepEqual(updated, [{ city: 'London', last_name: 'Berezniy' }, { state: 'drafted' }]);
    const [{ n }] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.uid = $1', [me.uid]);
    assert.equal(n, 1);
  });

  test('a submitted (or no) profile is not editable; model errors leave the draft alone', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('PUT', '/resource/profiles', { city: 'Paris' })), errors(404, 'resource.profile.doesnt_exist_or_not_editable'));
    await c.send('POST', '/resource/profiles', { city: 'Paris' });
    assert.deepEqual(answer(await c.send('PUT', '/resource/profiles', { country: 'ZZ' })), errors(422, 'country.must have alpha2 or alpha3 format'));
    await c.send('PUT', '/resource/profiles', { confirm: 'true' });
    assert.deepEqual(answer(await c.send('PUT', '/resource/profiles', { city: 'Lyon' })), errors(404, 'resource.profile.doesnt_exist_or_not_editable'));
    assert.equal((await c.get('/resource/profiles/me')).body[0].city, 'Paris');
  });

  test('a blank value clears a field; an unchanged PUT writes no event', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/profiles', { city: 'Paris', postcode: '75001' });
    const r = await c.send('PUT', '/resource/profiles', { postcode: '' });
    assert.deepEqual([r.body.city, r.body.postcode], ['Paris', null]);
    const uid = (await meOf(c)).uid;
    const before = (await events(uid, 'model.profile.updated')).length;
    await c.send('PUT', '/resource/profiles', { city: 'Paris' });
    assert.equal((await events(uid, 'model.profile.updated')).length, before);
  });
});

describe('GET /resource/profiles/me and the review states', () => {
  test('[] when none; every profile (verified ones do not block a new draft)', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.get('/resource/profiles/me')), [200, []]);
    await c.send('POST', '/resource/profiles', { first_name: 'First', confirm: true });
    const user = (await usersRepo.byUid(t.c.db, (await meOf(c)).uid))!;
    const reviewed = await t.c.kycProfiles.profiles.review(user, 'verified');
    assert.equal(reviewed?.state, 3);
    assert.equal((await profileLabel(c))!.value, 'verified');
    const second = await c.send('POST', '/resource/profiles', { first_name: 'Second' });
    assert.equal(second.status, 201, 'a verified profile does not block a new one');
    const list = (await c.get('/resource/profiles/me')).body as { first_name: string; state: string }[];
    assert.deepEqual(list.map((p) => [p.first_name, p.state]), [['First', 'verified'], ['Second', 'drafted']]);
    assert.equal((await profileLabel(c))!.value, 'drafted', 'the label follows the latest change');
  });

  test('review only applies to a submitted profile', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/profiles', { first_name: 'Draft' });
    const user = (await usersRepo.byUid(t.c.db, (await meOf(c)).uid))!;
    assert.equal(await t.c.kycProfiles.profiles.review(user, 'rejected'), null);
    await c.send('PUT', '/resource/profiles', { confirm: true });
    assert.equal((await t.c.kycProfiles.profiles.review(user, 'rejected'))?.state, 4);
    assert.equal((await c.get('/resource/profiles/me')).body[0].state, 'rejected');
  });

  test('without credentials: 401 before any parameter is looked at', async () => {
    const anon = new Client(t);
    assert.deepEqual(answer(await anon.get('/resource/profiles/me')), errors(401, 'jwt.decode_and_verify'));
    assert.deepEqual(answer(await anon.post('/resource/profiles', { country: 'XX' })), errors(401, 'jwt.decode_and_verify'));
  });
});
