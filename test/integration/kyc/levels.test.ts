import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { UA, activeUser, type Client } from '../../helpers/client.js';
import { verifyCompact } from '../../../src/lib/jws.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { labelsRepo } from '../../../src/db/repositories/labels.js';
import { MemorySmsProvider } from '../../../src/infra/sms/memory.js';
import type { User } from '../../../src/domain/users/user.js';

let t: TestApp;
const sms = new MemorySmsProvider();
before(async () => { t = await startTestApp({}, { sms }); });
after(async () => { await t.close(); });

let seq = 200000 + (process.pid % 700000);
const mobile = () => `+4474${String(seq++).padStart(8, '0')}`;

/** What nginx's auth_request sends for `GET <API_PREFIX>/resource/users/me` with the session cookie. */
async function gate(client: Client) {
  const res = await t.app.inject({
    method: 'GET', url: `${t.c.config.AUTHZ_PREFIX}${t.prefix}/resource/users/me`,
    headers: { 'user-agent': UA, cookie: `${t.c.config.SESSION_COOKIE_NAME}=${client.cookie}` },
  });
  return { status: res.statusCode, body: res.body ? res.json() : null, authorization: res.headers.authorization as string | undefined };
}

/** The `level` and `state` claims of the gateway JWT (verified with the JWKS key). */
async function jwtClaims(client: Client): Promise<{ level?: number; state?: string; status: number; errors?: string[] }> {
  const r = await gate(client);
  if (r.status !== 200) return { status: r.status, errors: r.body?.errors };
  const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  const claims = verifyCompact(r.authorization!.replace(/^Bearer /, ''), createPublicKey({ key: jwks.keys[0], format: 'jwk' }), 'RS256').claims;
  return { status: 200, level: claims.level as number, state: claims.state as string };
}

/** The gateway caches users and drops them when a change is announced: wait for it. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const jwtBecomes = (client: Client, level: number, state = 'active') =>
  until(() => jwtClaims(client), (c) => c.level === level && c.state === state);

const uids = new WeakMap<Client, string>();
/** The client's user, read fresh from the database (his uid is remembered: banned users cannot ask). */
async function userOf(client: Client): Promise<User> {
  if (!uids.has(client)) uids.set(client, (await client.get('/resource/users/me')).body.uid);
  return (await usersRepo.byUid(t.c.db, uids.get(client)!))!;
}

/** A private label written by the domain, as admins and the KYC provider do. */
async function setPrivate(client: Client, key: string, value: string) {
  const user = await userOf(client);
  const updated = await t.c.db.tx((q) => t.c.identity.labels.setPrivate(q, user, key, value));
  t.c.identity.events.committed();
  return updated;
}
async function removePrivate(client: Client, key: string) {
  const user = await userOf(client);
  const updated = await t.c.db.tx((q) => t.c.identity.labels.removePrivate(q, user, key));
  t.c.identity.events.committed();
  return updated;
}

async function verifyPhone(client: Client) {
  const n = mobile();
  assert.equal((await client.send('POST', '/resource/phones', { phone_number: n })).status, 201);
  const r = await client.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: sms.lastCode(n)! });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

describe('levels: email → phone → document, and the gateway JWT follows', () => {
  test('the walk to level 3', async () => {
    const c = await activeUser(t);
    assert.deepEqual(await jwtBecomes(c, 1), { status: 200, level: 1, state: 'active' });

    const afterPhone = await verifyPhone(c);
    assert.equal(afterPhone.level, 2);
    assert.deepEqual(await jwtBecomes(c, 2), { status: 200, level: 2, state: 'active' });

    // Documents are part B; their review ends in this domain call (admin or KYC provider).
    await c.send('POST', '/resource/profiles', { first_name: 'Ada', last_name: 'Lovelace', dob: '1985-12-10', country: 'GB', confirm: true });
    await setPrivate(c, 'document', 'pending');
    assert.equal((await c.get('/resource/users/me')).body.level, 2, 'pending is not verified');
    const updated = await setPrivate(c, 'document', 'verified');
    assert.equal(updated.level, 3);
    assert.deepEqual(await jwtBecomes(c, 3), { status: 200, level: 3, state: 'active' });
    const me = (await c.get('/resource/users/me')).body;
    assert.equal(me.level, 3);
    const names = (await t.c.db.query<{ name: string }>(
      `SELECT name FROM outbox WHERE payload->'record'->'user'->>'uid' = $1 AND name LIKE 'system.document.%'`, [me.uid])).map((r) => r.name);
    assert.deepEqual(names, ['system.document.verified']);
  });

  test('gaps stop the walk: document verified without a phone is still level 1', async () => {
    const c = await activeUser(t);
    assert.equal((await setPrivate(c, 'document', 'verified')).level, 1);
    assert.equal((await jwtBecomes(c, 1)).level, 1);
    const phoneDone = await verifyPhone(c);
    assert.equal(phoneDone.level, 3, 'filling the gap reaches the document level at once');
    assert.equal((await jwtBecomes(c, 3)).level, 3);
  });

  test('a rejected document drops the level back', async () => {
    const c = await activeUser(t);
    await verifyPhone(c);
    await setPrivate(c, 'document', 'verified');
    assert.equal((await setPrivate(c, 'document', 'rejected')).level, 2);
    assert.equal((await jwtBecomes(c, 2)).level, 2);
  });

  test('levels come from the levels table: a fourth level counts once seeded', async () => {
    await t.c.db.query(`INSERT INTO levels (key, value, description) VALUES ('profile', 'verified', 'Profile reviewed') ON CONFLICT DO NOTHING`);
    try {
      const c = await activeUser(t);
      await verifyPhone(c);
      await setPrivate(c, 'document', 'verified');
      await c.send('POST', '/resource/profiles', { first_name: 'Grace', confirm: true });
      const reviewed = await t.c.kycProfiles.profiles.review(await userOf(c), 'verified');
      assert.equal(reviewed?.state, 3);
      assert.equal((await c.get('/resource/users/me')).body.level, 4);
      assert.equal((await jwtBecomes(c, 4)).level, 4);
    } finally {
      await t.c.db.query(`DELETE FROM levels WHERE key = 'profile' AND value = 'verified'`);
    }
  });
});

describe('state triggers (BARONG.md §3.1)', () => {
  test('ban and fraud → banned; removing the label restores active with the same level', async () => {
    const c = await activeUser(t);
    await verifyPhone(c);
    for (const key of ['ban', 'fraud']) {
      const banned = await setPrivate(c, key, 'by_admin');
      assert.deepEqual([banned.state, banned.level], ['banned', 2], key);
      assert.deepEqual(await until(() => jwtClaims(c), (r) => r.status !== 200), { status: 401, errors: ['authz.user_not_active'] });
      assert.equal((await c.get('/resource/users/me')).status, 401, 'the resource API refuses him too');
      const back = await removePrivate(c, key);
      assert.deepEqual([back.state, back.level], ['active', 2]);
      assert.deepEqual(await jwtBecomes(c, 2), { status: 200, level: 2, state: 'active' });
    }
  });

  test('delete → deleted, lock and suspicious → locked; later triggers win (ban + lock → locked)', async () => {
    const c = await activeUser(t);
    assert.equal((await setPrivate(c, 'delete', 'by_admin')).state, 'deleted');
    assert.equal((await removePrivate(c, 'delete')).state, 'active');
    assert.equal((await setPrivate(c, 'suspicious', 'aml')).state, 'locked');
    assert.equal((await removePrivate(c, 'suspicious')).state, 'active');
    await setPrivate(c, 'ban', 'x');
    assert.equal((await setPrivate(c, 'lock', 'x')).state, 'locked');
    assert.equal((await removePrivate(c, 'lock')).state, 'banned');
    assert.equal((await removePrivate(c, 'ban')).state, 'active');
  });

  test('a trigger label of any scope counts, and an admin-set public one applies at once', async () => {
    const c = await activeUser(t);
    const user = await userOf(c);
    const { user: after } = await t.c.db.tx((q) => t.c.identity.labels.create(q, user, { key: 'fraud', value: 'chargeback', scope: 'public' }));
    t.c.identity.events.committed();
    assert.equal(after.state, 'banned');
    const [label] = (await labelsRepo.byKey(t.c.db, user.id, 'fraud'));
    const restored = await t.c.db.tx((q) => t.c.identity.labels.remove(q, after, label));
    t.c.identity.events.committed();
    assert.equal(restored.state, 'active');
  });

  test('without private email=verified the state is pending and the level 0, whatever else is verified', async () => {
    const c = await activeUser(t);
    await verifyPhone(c);
    const u = await removePrivate(c, 'email');
    assert.deepEqual([u.state, u.level], ['pending', 0]);
    assert.deepEqual(await jwtBecomes(c, 0, 'pending'), { status: 200, level: 0, state: 'pending' });
  });
});
