import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, UA, type Client } from '../../helpers/client.js';
import { buildContainer, type Container } from '../../../src/container.js';
import { buildApp } from '../../../src/app.js';
import { Abilities, DEFAULT_ABILITIES } from '../../../src/domain/admin/abilities.js';
import { adminActivities, answer, caller, errors, lastActivityId, type Caller } from './users-fixtures.js';

let t: TestApp;
let root: Caller;
before(async () => { t = await startTestApp(); root = await caller(t, 'superadmin'); });
after(async () => { await t.close(); });

interface Row { id: number; action: string; role: string; verb: string; path: string; topic: string | null }
const rows = () => t.c.db.query<Row>('SELECT id::int AS id, action, role, verb, path, topic FROM permissions ORDER BY id');
const last = async () => (await rows()).at(-1)!;

/** The gateway check of one instance, for a cookie client. */
async function gate(app: FastifyInstance, client: Client, method: string, path: string) {
  const res = await app.inject({ method: method as 'GET', url: `/api/v2/authz/${path}`, headers: { 'user-agent': UA, cookie: `_barong_session=${client.cookie}` } });
  return res.statusCode;
}

describe('GET admin/permissions', () => {
  test('every rule in id order, Permission keys, paginated', async () => {
    const all = await rows();
    const r = await root.get('/permissions', { limit: '5', page: '2' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((p: Row) => p.id), all.slice(5, 10).map((p) => p.id));
    assert.deepEqual(Object.keys(r.body[0]), ['id', 'action', 'role', 'verb', 'path', 'topic', 'created_at', 'updated_at']);
    assert.deepEqual([r.headers.total, r.headers.page, r.headers['per-page']], [String(all.length), '2', '5']);
    assert.deepEqual(answer(await root.get('/permissions', { page: '-1' })), errors(422, 'non_positive_page'));
    assert.equal((await (await caller(t, 'admin')).get('/permissions')).status, 200, 'admin reads Permission');
  });
});

describe('POST admin/permissions', () => {
  test('superadmin creates: verb/action upper-cased, leading slash dropped → 200 empty; no admin activity of its own', async () => {
    const since = await lastActivityId(t);
    const r = await root.post('/permissions', { role: 'member', verb: 'get', path: '/api/v2/applogic/private', action: 'accept', topic: 'apps' });
    assert.deepEqual([r.status, r.body], [200, '']);
    const p = await last();
    assert.deepEqual({ ...p, id: 0 }, { id: 0, role: 'member', verb: 'GET', path: 'api/v2/applogic/private', action: 'ACCEPT', topic: 'apps' });
    assert.deepEqual(await adminActivities(t, root.user, since), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
  });

  test('presence errors in declaration order (missing and empty), blank topic', async () => {
    assert.deepEqual(answer(await root.post('/permissions', {})), errors(422,
      'admin.permission.missing_role', 'admin.permission.empty_role', 'admin.permission.missing_verb', 'admin.permission.empty_verb',
      'admin.permission.missing_path', 'admin.permission.empty_path', 'admin.permission.missing_action', 'admin.permission.empty_action'));
    assert.deepEqual(answer(await root.post('/permissions', { role: 'member', verb: 'GET', path: 'x', action: ' ', topic: '' })),
      errors(422, 'admin.permission.empty_action', 'admin.permission.empty_topic'));
  });

  test('verb, then action, then role: the first failing check', async () => {
    const base = { role: 'member', verb: 'GET', path: 'api/v2/x', action: 'ACCEPT' };
    assert.deepEqual(answer(await root.post('/permissions', { ...base, verb: 'FETCH', action: 'allow', role: 'nobody' })), errors(422, 'admin.permissions.invalid_verb'));
    assert.deepEqual(answer(await root.post('/permissions', { ...base, action: 'allow', role: 'nobody' })), errors(422, 'admin.permissions.invalid_action'));
    assert.deepEqual(answer(await root.post('/permissions', { ...base, role: 'nobody' })), errors(422, 'admin.permission.role_doesnt_exist'));
    assert.deepEqual(answer(await root.post('/permissions', { ...base, path: 'p/'.repeat(128), topic: 't'.repeat(256) })), errors(422, 'path.too_long', 'topic.too_long'));
    for (const verb of ['all', 'Patch', 'HEAD', 'delete', 'put', 'post']) assert.equal((await root.post('/permissions', { ...base, verb })).status, 200, verb);
    for (const action of ['drop', 'Audit']) assert.equal((await root.post('/permissions', { ...base, action })).status, 200, action);
  });
});

describe('PUT and DELETE admin/permissions', () => {
  test('update changes only the given fields (upper-cased) → 200; unknown id → 404; no verb/action list (BARONG.md §8.4)', async () => {
    await root.post('/permissions', { role: 'member', verb: 'GET', path: 'api/v2/upd', action: 'ACCEPT' });
    const p = await last();
    const since = await lastActivityId(t);
    assert.deepEqual(answer(await root.put('/permissions', { id: p.id, verb: 'post', topic: 't1' })), [200, '']);
    assert.deepEqual({ ...(await last()) }, { ...p, verb: 'POST', topic: 't1' });
    assert.deepEqual(await adminActivities(t, root.user, since), [], 'behind a gateway its permission check writes the admin activity; the API writes none');
    assert.deepEqual(answer(await root.put('/permissions', { id: p.id, action: 'all' })), [200, '']);
    assert.equal((await last()).action, 'ALL', 'stored upper-cased, whatever the case');
    assert.deepEqual(answer(await root.put('/permissions', { id: p.id, verb: 'any', action: 'aLl' })), [200, '']);
    assert.deepEqual([(await last()).verb, (await last()).action], ['ANY', 'ALL']);
    assert.deepEqual(answer(await root.put('/permissions', { id: p.id, verb: 'x'.repeat(256) })), errors(422, 'verb.too_long'));
    assert.deepEqual((await last()).verb, 'ANY', 'nothing changed');
    assert.deepEqual(answer(await root.put('/permissions', { id: 999999, role: 'member' })), errors(404, 'admin.permission.doesnt_exist'));
    assert.deepEqual(answer(await root.put('/permissions', { role: 'member' })), errors(422, 'admin.permission.missing_id'));
    assert.deepEqual(answer(await root.put('/permissions', { id: 'x', path: '' })), errors(422, 'invalid', 'admin.permission.empty_path'));
  });

  test('delete → 200 and gone; unknown → 404; missing id → 422', async () => {
    await root.post('/permissions', { role: 'member', verb: 'GET', path: 'api/v2/del', action: 'ACCEPT' });
    const p = await last();
    assert.deepEqual(answer(await root.del('/permissions', { id: String(p.id) })), [200, '']);
    assert.ok(!(await rows()).some((r) => r.id === p.id));
    assert.deepEqual(answer(await root.del('/permissions', { id: String(p.id) })), errors(404, 'admin.permission.doesnt_exist'));
    assert.deepEqual(answer(await root.del('/permissions')), errors(422, 'admin.permission.missing_id'));
  });
});

describe('superadmin only', () => {
  test('an admin (read Permission) cannot write; not even when the abilities file grants manage Permission', async () => {
    const admin = await caller(t, 'admin');
    const body = { role: 'member', verb: 'GET', path: 'api/v2/sneaky', action: 'ACCEPT' };
    const id = String((await last()).id);
    assert.deepEqual(answer(await admin.post('/permissions', body)), errors(401, 'admin.ability.not_permitted'));
    const original = t.c.abilities;
    (t.c as { abilities: Abilities }).abilities = new Abilities({ ...DEFAULT_ABILITIES, admin: { manage: ['Permission', 'User'] } });
    try {
      assert.equal(t.c.abilities.can('admin', 'create', 'Permission'), true);
      assert.deepEqual(answer(await admin.post('/permissions', {})), errors(401, 'admin.ability.not_permitted'), 'refused before the parameters');
      assert.deepEqual(answer(await admin.put('/permissions', { id, ...body })), errors(401, 'admin.ability.not_permitted'));
      assert.deepEqual(answer(await admin.del('/permissions', { id })), errors(401, 'admin.ability.not_permitted'));
      assert.equal((await admin.get('/permissions')).status, 200);
    } finally {
      (t.c as { abilities: Abilities }).abilities = original;
    }
    assert.ok(!(await rows()).some((r) => r.path === 'api/v2/sneaky'));
  });
});

describe('propagation to the gateway', () => {
  let c2: Container;
  let app2: FastifyInstance;
  before(async () => {
    // A second instance on the same database and key-value store (Redis when REDIS_URL is set).
    c2 = await buildContainer(t.c.config, pino({ level: 'silent' }), { db: t.c.db, kv: t.c.kv, startMailer: false, startRelay: false });
    app2 = await buildApp(c2, { logger: false });
    await app2.ready();
  });
  after(async () => {
    await app2.close();
    c2.policy.stop();
    await c2.kycDocuments.close();
    await c2.eventApi.stop();
    await c2.mailer.stop();
  });

  test('a new ACCEPT rule opens the path at once on this instance and within a second on the other; deleting it closes it again', async () => {
    const member = await activeUser(t);
    const path = 'api/v2/custody/wallets/list'; // a service the default permissions do not mention
    assert.equal(await gate(t.app, member, 'GET', path), 401);
    assert.equal(await gate(app2, member, 'GET', path), 401);
    assert.equal((await root.post('/permissions', { role: 'member', verb: 'GET', path: 'api/v2/custody/wallets', action: 'ACCEPT' })).status, 200);
    const written = Date.now();
    assert.equal(await gate(t.app, member, 'GET', path), 200, 'the writing instance reloaded before answering');
    while (await gate(app2, member, 'GET', path) !== 200) {
      assert.ok(Date.now() - written < 1000, 'the other instance did not follow within a second');
      await new Promise((r) => setTimeout(r, 10));
    }
    const id = String((await last()).id);
    assert.equal((await root.del('/permissions', { id })).status, 200);
    const deleted = Date.now();
    assert.equal(await gate(t.app, member, 'GET', path), 401);
    while (await gate(app2, member, 'GET', path) !== 401) {
      assert.ok(Date.now() - deleted < 1000, 'the other instance did not follow within a second');
      await new Promise((r) => setTimeout(r, 10));
    }
  });
});
