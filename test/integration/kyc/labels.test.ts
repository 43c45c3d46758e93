import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, type Res } from '../../helpers/client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];
const LABEL_KEYS = ['key', 'value', 'scope', 'created_at', 'updated_at'];
const kvs = (labels: { key: string; value: string; scope: string }[]) => labels.map((l) => [l.key, l.value, l.scope]);

async function labelEvents(uid: string) {
  return t.c.db.query<{ name: string; payload: { record: { key: string; value: string }; changes?: Record<string, unknown> } }>(
    `SELECT name, payload FROM outbox WHERE name LIKE 'model.label.%' AND payload->'record'->'user'->>'uid' = $1 ORDER BY id`, [uid]);
}

describe('GET /resource/labels', () => {
  test('all the caller\'s labels, public and private, by creation time; ordering=desc reverses', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/labels', { key: 'nickname', value: 'neo' });
    await c.send('POST', '/resource/labels', { key: 'tier', value: 'gold' });
    const r = await c.get('/resource/labels');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body[0]).sort(), [...LABEL_KEYS].sort());
    assert.deepEqual(kvs(r.body), [['email', 'verified', 'private'], ['nickname', 'neo', 'public'], ['tier', 'gold', 'public']]);
    assert.deepEqual(kvs((await c.get('/resource/labels', { ordering: 'desc' })).body), [['tier', 'gold', 'public'], ['nickname', 'neo', 'public'], ['email', 'verified', 'private']]);
    assert.deepEqual(kvs((await c.get('/resource/labels', { ordering: 'asc' })).body)[0], ['email', 'verified', 'private']);
  });

  test('a bad ordering is Barong\'s literal key "value"', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.get('/resource/labels', { ordering: 'up' })), errors(422, 'value'));
  });

  test('GET /resource/labels/:key: the label, any scope; unknown → 404', async () => {
    const c = await activeUser(t);
    const r = await c.get('/resource/labels/email');
    assert.deepEqual([r.status, r.body.key, r.body.value, r.body.scope], [200, 'email', 'verified', 'private']);
    assert.deepEqual(answer(await c.get('/resource/labels/nothing_here')), errors(404, 'record.not_found'));
  });

  test('needs a caller', async () => {
    assert.deepEqual(answer(await new Client(t).get('/resource/labels')), errors(401, 'jwt.decode_and_verify'));
  });
});

describe('POST /resource/labels', () => {
  test('creates a public label, normalised to lower case; model.label.created; level and state untouched', async () => {
    const c = await activeUser(t);
    const r = await c.send('POST', '/resource/labels', { key: '  Favourite_Coin ', value: 'BTC-Max' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.key, r.body.value, r.body.scope], ['favourite_coin', 'btc-max', 'public']);
    const me = (await c.get('/resource/users/me')).body;
    assert.deepEqual([me.level, me.state], [1, 'active']);
    const evs = await labelEvents(me.uid);
    assert.deepEqual(evs.map((e) => [e.name, e.payload.record.key, e.payload.record.value]).at(-1), ['model.label.created', 'favourite_coin', 'btc-max']);
  });

  test('parameters are required and non-blank', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/labels', {})), errors(422,
      'resource.label.missing_key', 'resource.label.empty_key', 'resource.label.missing_value', 'resource.label.empty_value'));
    assert.deepEqual(answer(await c.send('POST', '/resource/labels', { key: ' ', value: 'fine' })), errors(422, 'resource.label.empty_key'));
  });

  test('model errors: format, length, taken', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/labels', { key: 'my key', value: 'ok!' })), errors(422, 'key.invalid', 'value.invalid'));
    assert.deepEqual(answer(await c.send('POST', '/resource/labels', { key: 'ab', value: 'x'.repeat(256) })), errors(422, 'key.too_short', 'value.too_long'));
    assert.equal((await c.send('POST', '/resource/labels', { key: 'color', value: 'red' })).status, 201);
    assert.deepEqual(answer(await c.send('POST', '/resource/labels', { key: 'COLOR', value: 'blue' })), errors(422, 'key.taken'));
  });

  test('a public twin of a private key is allowed and never counts for the level', async () => {
    const c = await activeUser(t);
    assert.equal((await c.send('POST', '/resource/labels', { key: 'email', value: 'verified' })).status, 201);
    assert.equal((await c.send('POST', '/resource/labels', { key: 'phone', value: 'verified' })).status, 201);
    const me = (await c.get('/resource/users/me')).body;
    assert.equal(me.level, 1, 'public phone=verified gives no level');
    assert.deepEqual(me.labels.filter((l: { key: string }) => l.key === 'email').map((l: { scope: string }) => l.scope), ['private', 'public']);
  });

  test('state-trigger keys cannot be self-assigned (Warden: key.exclusion)', async () => {
    const c = await activeUser(t);
    for (const key of ['ban', 'fraud', 'delete', 'lock', 'Suspicious']) {
      assert.deepEqual(answer(await c.send('POST', '/resource/labels', { key, value: 'please' })), errors(422, 'key.exclusion'), key);
    }
    assert.equal((await c.get('/resource/users/me')).body.state, 'active');
  });
});

describe('PATCH and DELETE /resource/labels/:key', () => {
  test('PATCH changes the value of a public label; model.label.updated carries the old value', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/labels', { key: 'tier', value: 'silver' });
    const r = await c.send('PATCH', '/resource/labels/tier', { value: 'GOLD' });
    assert.deepEqual([r.status, r.body.key, r.body.value, r.body.scope], [200, 'tier', 'gold', 'public']);
    const uid = (await c.get('/resource/users/me')).body.uid;
    const last = (await labelEvents(uid)).at(-1)!;
    assert.deepEqual([last.name, last.payload.record.value, last.payload.changes], ['model.label.updated', 'gold', { value: 'silver' }]);
  });

  test('PATCH: value required; unknown 404; private 400; bad value 422', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/labels', { key: 'tier', value: 'silver' });
    assert.deepEqual(answer(await c.send('PATCH', '/resource/labels/tier', {})), errors(422, 'resource.label.missing_value', 'resource.label.empty_value'));
    assert.deepEqual(answer(await c.send('PATCH', '/resource/labels/nope', { value: 'gold' })), errors(404, 'record.not_found'));
    assert.deepEqual(answer(await c.send('PATCH', '/resource/labels/email', { value: 'unverified' })), errors(400, 'resource.labels.private'));
    assert.deepEqual(answer(await c.send('PATCH', '/resource/labels/tier', { value: 'g' })), errors(422, 'value.too_short'));
    assert.equal((await c.get('/resource/labels/tier')).body.value, 'silver');
  });

  test('with a public twin, PATCH/DELETE act on the public one and never touch the private label', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/labels', { key: 'email', value: 'mine' });
    assert.deepEqual((await c.send('PATCH', '/resource/labels/email', { value: 'still_mine' })).body.scope, 'public');
    assert.equal((await c.send('DELETE', '/resource/labels/email')).status, 204);
    assert.deepEqual(kvs((await c.get('/resource/labels')).body), [['email', 'verified', 'private']]);
    assert.deepEqual(answer(await c.send('DELETE', '/resource/labels/email')), errors(400, 'resource.labels.private'));
    assert.equal((await c.get('/resource/users/me')).body.level, 1);
  });

  test('DELETE: 204 then 404', async () => {
    const c = await activeUser(t);
    await c.send('POST', '/resource/labels', { key: 'temp', value: 'yes' });
    const r = await c.send('DELETE', '/resource/labels/temp');
    assert.deepEqual([r.status, r.body], [204, '']);
    assert.deepEqual(answer(await c.get('/resource/labels/temp')), errors(404, 'record.not_found'));
    assert.deepEqual(answer(await c.send('DELETE', '/resource/labels/temp')), errors(404, 'record.not_found'));
  });

  test('without the CSRF token a cookie session cannot write labels', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.post('/resource/labels', { key: 'tier', value: 'gold' })), errors(401, 'authz.missing_csrf_token'));
  });
});
