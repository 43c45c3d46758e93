import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, Client, UA, uniqueEmail } from '../../helpers/client.js';
import { adminActivities, answer, caller, errors, lastActivityId, type Caller } from './users-fixtures.js';
import { NbcClient } from '../nbc/nbc-client.js';

let t: TestApp;
let root: Caller;
before(async () => { t = await startTestApp(); root = await caller(t, 'superadmin'); });
after(async () => { await t.close(); });

interface Row { id: number; category: string; scope: string; value: string; code: number | null; state: string }
const all = () => t.c.db.query<Row>('SELECT id::int AS id, category, scope, value, code, state FROM restrictions ORDER BY id');
const byValue = async (value: string, category?: string) => (await all()).find((r) => r.value === value && (!category || r.category === category));

async function gate(path: string, opts: { client?: Client; ip?: string; method?: string } = {}) {
  const headers: Record<string, string> = { 'user-agent': UA };
  if (opts.client?.cookie) headers.cookie = `_barong_session=${opts.client.cookie}`;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const res = await t.app.inject({ method: (opts.method ?? 'GET') as 'GET', url: `/api/v2/authz/${path}`, headers });
  return [res.statusCode, res.body ? res.json() : null];
}

describe('POST admin/restrictions', () => {
  test('Barong\'s default codes; a given code wins except for whitelists; 200 empty; no admin activity of its own', async () => {
    const since = await lastActivityId(t);
    const cases: [Record<string, unknown>, number][] = [
      [{ category: 'maintenance', scope: 'ip', value: '192.0.2.10' }, 471],
      [{ category: 'blacklist', scope: 'ip', value: '192.0.2.11' }, 401],
      [{ category: 'blacklist', scope: 'ip_subnet', value: '192.0.2.128/25' }, 403],
      [{ category: 'blacklist', scope: 'country', value: 'Narnia' }, 423],
      [{ category: 'blacklist', scope: 'continent', value: 'AN' }, 423],
      [{ category: 'blocklogin', scope: 'all', value: 'all', state: 'disabled' }, 401],
      [{ category: 'blacklist', scope: 'ip', value: '192.0.2.12', code: 418 }, 418],
      [{ category: 'whitelist', scope: 'ip', value: '192.0.2.13', code: 418 }, 401],
    ];
    for (const [body, code] of cases) {
      assert.deepEqual(answer(await root.post('/restrictions', body)), [200, ''], JSON.stringify(body));
      const r = await byValue(body.value as string, body.category as string);
      assert.deepEqual([r?.code, r?.state, r?.category], [code, body.state ?? 'enabled', body.category], JSON.stringify(body));
    }
    assert.deepEqual(await adminActivities(t, root.user, since), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });

  test('IPv4, IPv6 and CIDR of both; an IPv6 address is stored in canonical form; country names and ISO codes', async () => {
    for (const [scope, value] of [['ip', '2001:DB8:0:0::1'], ['ip_subnet', '2001:db8:ff::/48'], ['ip_subnet', '10.0.0.0/8'], ['country', 'Germany'], ['country', 'DE'], ['ip', '192.0.2.99']]) {
      assert.equal((await root.post('/restrictions', { category: 'blacklist', scope, value, state: 'disabled' })).status, 200, value);
    }
    assert.equal((await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: 'FE80::1%eth0', state: 'disabled' })).status, 200);
    assert.ok(await byValue('2001:db8::1'));
    assert.ok(await byValue('fe80::1%eth0'));
    assert.ok(await byValue('Germany') && await byValue('DE'));
  });

  test('model errors: value.invalid for ip/ip_subnet, value.taken per (scope, category)', async () => {
    for (const [scope, value] of [['ip', '300.1.1.1'], ['ip', '10.0.0.0/8'], ['ip_subnet', '10.0.0.1'], ['ip_subnet', '10.0.0.0/33'], ['ip_subnet', '2001:db8::/129'], ['ip', 'localhost']]) {
      assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope, value })), errors(422, 'value.invalid'), value);
    }
    assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: '192.0.2.11' })), errors(422, 'value.taken'));
    assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: '2001:db8::0:1' })), errors(422, 'value.taken'), 'canonical form');
    assert.equal((await root.post('/restrictions', { category: 'whitelist', scope: 'ip', value: '192.0.2.11' })).status, 200, 'another category');
    assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope: 'country', value: 'x'.repeat(65) })), errors(422, 'value.too_long'));
  });

  test('model errors: code.invalid for a code that is no 4xx or 5xx; nothing is created or changed', async () => {
    const before = await all();
    for (const code of [0, 42, 200, 302, 399, 600, 1000]) {
      assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: '192.0.2.140', code })), errors(422, 'code.invalid'), String(code));
    }
    assert.deepEqual(await all(), before);
    assert.deepEqual(answer(await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: '192.0.2.140', code: 599 })), [200, '']);
    const r = (await byValue('192.0.2.140'))!;
    assert.deepEqual(answer(await root.put('/restrictions', { id: r.id, code: 200 })), errors(422, 'code.invalid'));
    assert.equal((await byValue('192.0.2.140'))!.code, 599);
  });

  test('parameter errors: presence, value lists, code type', async () => {
    assert.deepEqual(answer(await root.post('/restrictions', {})), errors(422,
      'admin.restriction.missing_scope', 'admin.restriction.empty_scope', 'admin.restriction.missing_value', 'admin.restriction.empty_value',
      'admin.restriction.missing_category', 'admin.restriction.empty_category'));
    assert.deepEqual(answer(await root.post('/restrictions', { scope: 'planet', value: 'x', category: 'greylist', state: 'on' })),
      errors(422, 'admin.restriction.invalid_scope', 'admin.restriction.invalid_category', 'admin.restriction.invalid_state'));
    assert.deepEqual(answer(await root.post('/restrictions', { scope: 'ip', value: '192.0.2.50', category: 'blacklist', code: 'teapot' })), errors(422, 'invalid'));
  });
});

describe('GET admin/restrictions', () => {
  test('id order with Restriction keys; scope, category and range/from/to filters; paging', async () => {
    const rows = await all();
    const r = await root.get('/restrictions');
    assert.deepEqual(r.body.map((x: Row) => x.id), rows.map((x) => x.id));
    assert.deepEqual(Object.keys(r.body[0]), ['id', 'category', 'scope', 'value', 'code', 'state', 'created_at', 'updated_at']);
    assert.equal(r.headers.total, String(rows.length));
    const subnets = await root.get('/restrictions', { scope: 'ip_subnet', category: 'blacklist' });
    assert.deepEqual(subnets.body.map((x: Row) => x.value), rows.filter((x) => x.scope === 'ip_subnet' && x.category === 'blacklist').map((x) => x.value));
    await t.c.db.query("UPDATE restrictions SET created_at = '2020-01-01T00:00:00Z', updated_at = '2021-06-01T00:00:00Z' WHERE value = 'Narnia'");
    const at = (iso: string) => String(Date.parse(iso) / 1000);
    assert.deepEqual((await root.get('/restrictions', { to: at('2020-01-01T00:00:00Z') })).body.map((x: Row) => x.value), ['Narnia']);
    assert.deepEqual((await root.get('/restrictions', { range: 'updated', from: at('2021-06-01T00:00:00Z'), to: at('2021-06-01T00:00:00Z') })).body.map((x: Row) => x.value), ['Narnia']);
    assert.deepEqual((await root.get('/restrictions', { range: 'created', from: at('2020-01-01T00:00:01Z'), to: at('2021-01-01T00:00:00Z') })).body, []);
    const p2 = await root.get('/restrictions', { limit: '2', page: '2' });
    assert.deepEqual(p2.body.map((x: Row) => x.id), rows.slice(2, 4).map((x) => x.id));
  });

  test('errors: invalid scope, category, range; non-integer bounds', async () => {
    assert.deepEqual(answer(await root.get('/restrictions', { scope: 'planet', category: 'x', range: 'deleted' })),
      errors(422, 'admin.restriction.invalid_scope', 'admin.restriction.invalid_category', 'admin.restriction.invalid_range'));
    assert.deepEqual(answer(await root.get('/restrictions', { from: 'now' })), errors(422, 'invalid'));
    assert.equal((await root.get('/restrictions', { range: 'updated', from: '-99999999999999', to: '99999999999999' })).status, 200);
  });
});

describe('PUT and DELETE admin/restrictions', () => {
  test('update validates the resulting record: ip→ip_subnet without a CIDR fails and nothing changes; code re-assigned only when blank', async () => {
    const r = (await byValue('192.0.2.99'))!;
    assert.deepEqual(answer(await root.put('/restrictions', { id: r.id, scope: 'ip_subnet' })), errors(422, 'value.invalid'));
    assert.deepEqual(await byValue('192.0.2.99'), r);
    assert.deepEqual(answer(await root.put('/restrictions', { id: r.id, scope: 'ip_subnet', value: '192.0.2.96/27', state: 'enabled', code: 499 })), [200, '']);
    assert.deepEqual({ ...(await byValue('192.0.2.96/27'))! }, { ...r, scope: 'ip_subnet', value: '192.0.2.96/27', state: 'enabled', code: 499 });
    assert.deepEqual(answer(await root.put('/restrictions', { id: r.id, category: 'whitelist' })), [200, '']);
    assert.equal((await byValue('192.0.2.96/27'))!.code, 403, 'whitelists always get the default code');
    assert.deepEqual(answer(await root.put('/restrictions', { id: r.id, value: '192.0.2.128/25', category: 'blacklist' })), errors(422, 'value.taken'));
  });

  test('update errors: unknown id → 404; missing id; invalid values', async () => {
    assert.deepEqual(answer(await root.put('/restrictions', { id: 999999, state: 'disabled' })), errors(404, 'admin.restriction.doesnt_exist'));
    assert.deepEqual(answer(await root.put('/restrictions', { state: 'disabled' })), errors(422, 'admin.restriction.missing_id'));
    assert.deepEqual(answer(await root.put('/restrictions', { id: 1, state: 'paused', scope: '' })), errors(422, 'admin.restriction.empty_scope'));
    assert.deepEqual(answer(await root.put('/restrictions', { id: 1, state: 'paused' })), errors(422, 'admin.restriction.invalid_state'));
  });

  test('delete → 200 and gone (logged); unknown → 404', async () => {
    const r = (await byValue('192.0.2.10'))!;
    const since = await lastActivityId(t);
    assert.deepEqual(answer(await root.del('/restrictions', { id: String(r.id) })), [200, '']);
    assert.equal(await byValue('192.0.2.10'), undefined);
    assert.deepEqual(await adminActivities(t, root.user, since), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.deepEqual(answer(await root.del('/restrictions', { id: String(r.id) })), errors(404, 'admin.restriction.doesnt_exist'));
  });
});

describe('effect at the gateway', () => {
  test('a blacklisted IP is refused with the rule\'s code at once; disabling and deleting lift it', async () => {
    const path = 'api/v2/auth/public/ping';
    assert.equal((await gate(path, { ip: '203.0.113.77' }))[0], 200);
    await root.post('/restrictions', { category: 'blacklist', scope: 'ip', value: '203.0.113.77', code: 451 });
    assert.deepEqual(await gate(path, { ip: '203.0.113.77' }), [451, { errors: ['authz.restrict.blacklist'] }]);
    const r = (await byValue('203.0.113.77'))!;
    await root.put('/restrictions', { id: r.id, state: 'disabled' });
    assert.equal((await gate(path, { ip: '203.0.113.77' }))[0], 200);
    await root.put('/restrictions', { id: r.id, state: 'enabled' });
    assert.equal((await gate(path, { ip: '203.0.113.77' }))[0], 451);
    await root.del('/restrictions', { id: String(r.id) });
    assert.equal((await gate(path, { ip: '203.0.113.77' }))[0], 200);
  });

  test('an IPv6 rule typed in upper case matches the client address', async () => {
    await root.post('/restrictions', { category: 'maintenance', scope: 'ip', value: '2001:DB8:0:0:0:0:0:77' });
    assert.deepEqual(await gate('api/v2/auth/public/ping', { ip: '2001:db8::77' }), [471, { errors: ['authz.restrict.maintenance'] }]);
  });
});

describe('blocklogin ends every session (§2.11)', () => {
  const resource = 'api/v2/auth/resource/users/me';
  test('creating an enabled blocklogin rule ends all sessions; a disabled one does not, until it is enabled', async () => {
    const email = uniqueEmail();
    const [a, b] = [await activeUser(t, email), await activeUser(t)];
    assert.equal((await gate(resource, { client: a }))[0], 200);
    await root.post('/restrictions', { category: 'blocklogin', scope: 'country', value: 'Atlantis', state: 'disabled' });
    assert.equal((await gate(resource, { client: a }))[0], 200, 'a disabled rule ends nothing');
    const rule = (await byValue('Atlantis'))!;
    await root.put('/restrictions', { id: rule.id, state: 'enabled' });
    assert.deepEqual(await gate(resource, { client: a }), [401, { errors: ['authz.invalid_session'] }]);
    assert.deepEqual(await gate(resource, { client: b }), [401, { errors: ['authz.invalid_session'] }]);
    // The rule is for another country: logging in again works; changing the code of the
    // already enabled rule ends nothing; another enabled blocklogin rule ends the new session.
    const again = new Client(t);
    assert.equal((await again.login(email)).status, 200);
    await root.put('/restrictions', { id: rule.id, code: 499 });
    assert.equal((await gate(resource, { client: again }))[0], 200);
    await root.post('/restrictions', { category: 'blocklogin', scope: 'country', value: 'Lemuria' });
    assert.deepEqual(await gate(resource, { client: again }), [401, { errors: ['authz.invalid_session'] }]);
  });

  test('an enabled blocklogin rule also ends the NBC door\'s token sessions', async () => {
    const email = uniqueEmail();
    await activeUser(t, email);
    const nbc = new NbcClient(t);
    assert.equal((await nbc.signIn(email)).status, 200);
    assert.equal((await nbc.get('/auth/token/check')).status, 200);
    await root.post('/restrictions', { category: 'blocklogin', scope: 'country', value: 'Hyperborea' });
    assert.equal((await nbc.get('/auth/token/check')).status, 401, 'the access token\'s family is revoked');
    assert.equal((await nbc.post('/auth/token/refresh')).status, 401, 'and its refresh token with it');
    const [{ reason }] = await t.c.db.query<{ reason: string }>(
      'SELECT f.revoke_reason AS reason FROM refresh_token_families f JOIN users u ON u.id = f.user_id WHERE u.email = $1', [email]);
    assert.equal(reason, 'blocklogin');
  });

  test('a blocklogin rule refuses the login path only, with its code', async () => {
    await root.post('/restrictions', { category: 'blocklogin', scope: 'ip', value: '203.0.113.88' });
    assert.deepEqual(await gate('api/v2/auth/identity/sessions', { ip: '203.0.113.88', method: 'POST' }), [401, { errors: ['authz.restrict.blocklogin'] }]);
    assert.equal((await gate('api/v2/auth/identity/users', { ip: '203.0.113.88', method: 'POST' }))[0], 200);
  });
});

describe('POST admin/restrictions/whitelink', () => {
  test('201 with a 64-hex token that whitelists its holder\'s IP once; the token never reaches the log', async () => {
    const since = await lastActivityId(t);
    const r = await root.post('/restrictions/whitelink', { expire_time: 2, range: 'hour' });
    assert.equal(r.status, 201);
    assert.match(r.body.whitelink_token, /^[0-9a-f]{64}$/);
    assert.deepEqual(await adminActivities(t, root.user, since), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    const visitor = new Client(t);
    visitor.ip = '198.18.0.5';
    assert.equal((await visitor.post('/identity/users/access', { whitelink_token: r.body.whitelink_token })).status, 201);
    assert.deepEqual(await byValue('198.18.0.5').then((x) => [x?.category, x?.scope, x?.state]), ['whitelist', 'ip', 'enabled']);
    visitor.ip = '198.18.0.6';
    assert.deepEqual(answer(await visitor.post('/identity/users/access', { whitelink_token: r.body.whitelink_token })), errors(422, 'identity.user.access.invalid_token'));
  });

  test('defaults to one day; the token expires', { skip: process.env.REDIS_URL ? 'the test clock does not move Redis TTLs' : false }, async () => {
    const day = (await root.post('/restrictions/whitelink')).body.whitelink_token;
    const hour = (await root.post('/restrictions/whitelink', { range: 'hour' })).body.whitelink_token;
    t.clock.advance(3601);
    const v = new Client(t);
    v.ip = '198.18.0.7';
    assert.deepEqual(answer(await v.post('/identity/users/access', { whitelink_token: hour })), errors(422, 'identity.user.access.invalid_token'));
    assert.equal((await v.post('/identity/users/access', { whitelink_token: day })).status, 201);
  });

  test('errors: expire_time outside 1..30 or not an integer → invalid_expire; range other than day/hour → invalid_range', async () => {
    for (const expire_time of [0, 31, 'soon']) {
      assert.deepEqual(answer(await root.post('/restrictions/whitelink', { expire_time })), errors(422, 'invalid_expire'), String(expire_time));
    }
    assert.deepEqual(answer(await root.post('/restrictions/whitelink', { expire_time: 0, range: 'week' })), errors(422, 'invalid_expire', 'invalid_range'));
    assert.equal((await root.post('/restrictions/whitelink', { expire_time: 30, range: 'day' })).status, 201);
  });

  test('abilities: create Restriction (technical yes, compliance no)', async () => {
    assert.equal((await (await caller(t, 'technical')).post('/restrictions/whitelink')).status, 201);
    assert.deepEqual(answer(await (await caller(t, 'compliance')).post('/restrictions/whitelink')), errors(401, 'admin.ability.not_permitted'));
    assert.deepEqual(answer(await (await caller(t, 'support')).get('/restrictions')), errors(401, 'admin.ability.not_permitted'));
  });
});
