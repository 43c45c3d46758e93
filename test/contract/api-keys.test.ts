import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db.js';
import { isUniqueViolation } from '../../src/db/db.js';
import { apiKeysRepo } from '../../src/db/repositories/api-keys.js';
import { ApiKeyService } from '../../src/domain/api-keys/api-key-service.js';
import { NONCE_BATCH_MAX, NonceGuard } from '../../src/domain/api-keys/nonce-guard.js';
import { ModelError } from '../../src/errors/app-error.js';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory.js';
import { Encryptor } from '../../src/lib/aead.js';
import { apiKeySignature, verifyApiKeySignature } from '../../src/lib/hmac.js';
import { openTestDb } from '../helpers/test-db.js';

let db: Db;
let cleanup: () => Promise<void>;
const encryptor = new Encryptor(randomBytes(32));
before(async () => { ({ db, cleanup } = await openTestDb()); });
after(async () => { await cleanup(); });

let nextHolderId = 1000;
const activeUser = () => ({ type: 'User' as const, id: nextHolderId++, state: 'active' });

const modelKeys = (keys: string[]) => (err: unknown) => {
  assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
  assert.deepEqual([...err.keys], keys);
  assert.equal(err.status, 422);
  return true;
};

test('create: 16-hex kid, 32-hex secret stored encrypted, scope and defaults', async () => {
  const service = new ApiKeyService(db, encryptor);
  const holder = activeUser();
  const key = await service.create(holder, { algorithm: 'HS256', scope: ['trade', 'read'] });
  assert.match(key.kid, /^[0-9a-f]{16}$/);
  assert.match(key.secret, /^[0-9a-f]{32}$/);
  assert.equal(key.algorithm, 'HS256');
  assert.deepEqual(key.scope, ['trade', 'read']);
  assert.equal(key.state, 'active');
  assert.ok(key.createdAt instanceof Date && key.updatedAt instanceof Date);

  const [row] = await db.query<{ secret_encrypted: string; scope: string; key_holder_account_type: string; key_holder_account_id: string | number }>(
    'SELECT secret_encrypted, scope, key_holder_account_type, key_holder_account_id FROM apikeys WHERE kid = $1', [key.kid]);
  assert.notEqual(row.secret_encrypted, key.secret);
  assert.ok(!row.secret_encrypted.includes(key.secret), 'the plaintext secret is nowhere in the stored value');
  assert.equal(encryptor.decrypt(row.secret_encrypted), key.secret);
  assert.deepEqual(JSON.parse(row.scope), ['trade', 'read']);
  assert.equal(row.key_holder_account_type, 'User');
  assert.equal(Number(row.key_holder_account_id), holder.id);

  const other = await service.create({ type: 'ServiceAccount', id: holder.id, state: 'active' }, { algorithm: 'HS512' });
  assert.deepEqual(other.scope, []);
  assert.notEqual(other.kid, key.kid);
  assert.notEqual(other.secret, key.secret);
  assert.deepEqual((await apiKeysRepo.listForHolder(db, 'User', holder.id)).map((k) => k.kid), [key.kid]);
  assert.deepEqual((await apiKeysRepo.listForHolder(db, 'ServiceAccount', holder.id)).map((k) => k.kid), [other.kid]);
  assert.ok(!('secret' in (await apiKeysRepo.byKid(db, key.kid))!), 'the repository never carries a plaintext secret');
});

test('create refuses a non-HMAC algorithm and a holder that is not active with Barong\'s keys', async () => {
  const service = new ApiKeyService(db, encryptor);
  const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM apikeys'))[0].n;
  await assert.rejects(service.create(activeUser(), { algorithm: 'RS256' }), modelKeys(['kid.blank', 'algorithm.inclusion']));
  await assert.rejects(service.create(activeUser(), { algorithm: '' }), modelKeys(['kid.blank', 'algorithm.inclusion']));
  await assert.rejects(service.create({ type: 'User', id: 1, state: 'pending' }, { algorithm: 'HS256' }), modelKeys(['key_holder_account.invalid']));
  await assert.rejects(service.create({ type: 'ServiceAccount', id: 1, state: 'disabled' }, { algorithm: 'HS256' }), modelKeys(['key_holder_account.invalid']));
  const after = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM apikeys'))[0].n;
  assert.equal(after, before, 'nothing persisted');
});

test('a kid collision is the unique violation create retries on', async () => {
  const service = new ApiKeyService(db, encryptor);
  const key = await service.create(activeUser(), { algorithm: 'HS256' });
  const err = await apiKeysRepo.insert(db, { holderType: 'User', holderId: 1, kid: key.kid, algorithm: 'HS256', scope: [], secretEncrypted: 'x' })
    .then(() => null, (e: unknown) => e);
  assert.ok(err, 'duplicate kid refused');
  assert.ok(isUniqueViolation(err, 'index_apikeys_on_kid'));
});

test('forVerification returns the decrypted secret; unknown kid → null', async () => {
  const service = new ApiKeyService(db, encryptor);
  const holder = activeUser();
  const key = await service.create(holder, { algorithm: 'HS256' });
  const v = await service.forVerification(key.kid);
  assert.deepEqual({ ...v }, { kid: key.kid, algorithm: 'HS256', secret: key.secret, state: 'active', holderType: 'User', holderId: holder.id, allowedIps: null, expiresAtMs: null });
  const nonce = String(Date.now());
  assert.equal(verifyApiKeySignature(v!.secret, nonce, key.kid, 'HS256', apiKeySignature(key.secret, nonce, key.kid, 'HS256')), true);
  assert.equal(await service.forVerification('0000000000000000'), null);
});

test('cache: a cached lookup runs no query; a direct UPDATE is unseen until invalidate(kid)', async () => {
  const service = new ApiKeyService(db, encryptor);
  const key = await service.create(activeUser(), { algorithm: 'HS256' });
  assert.equal((await service.forVerification(key.kid))!.state, 'active');

  const count = db.queryCount;
  for (let i = 0; i < 5; i++) assert.equal((await service.forVerification(key.kid))!.state, 'active');
  assert.equal(db.queryCount, count, 'cached lookups do not touch the database');

  await db.query("UPDATE apikeys SET state = 'inactive' WHERE kid = $1", [key.kid]);
  assert.equal((await service.forVerification(key.kid))!.state, 'active', 'served from the cache');
  service.invalidate(key.kid);
  assert.equal((await service.forVerification(key.kid))!.state, 'inactive', 'seen after invalidate(kid)');

  await db.query("UPDATE apikeys SET state = 'active' WHERE kid = $1", [key.kid]);
  assert.equal((await service.forVerification(key.kid))!.state, 'inactive');
  service.invalidate();
  assert.equal((await service.forVerification(key.kid))!.state, 'active', 'seen after invalidate()');
});

test('cache: unknown kids are cached too (a flood of one unknown kid queries once)', async () => {
  const service = new ApiKeyService(db, encryptor);
  assert.equal(await service.forVerification('ffffffffffffffff'), null);
  const count = db.queryCount;
  for (let i = 0; i < 5; i++) assert.equal(await service.forVerification('ffffffffffffffff'), null);
  assert.equal(db.queryCount, count, 'a flood of one unknown kid hits the database once');

  const key = await service.create(activeUser(), { algorithm: 'HS256' });
  assert.equal((await service.forVerification(key.kid))!.secret, key.secret);
});

test('cache: concurrent misses of one kid share one query', async () => {
  const service = new ApiKeyService(db, encryptor);
  const key = await service.create(activeUser(), { algorithm: 'HS256' });
  const count = db.queryCount;
  const results = await Promise.all(Array.from({ length: 10 }, () => service.forVerification(key.kid)));
  assert.ok(results.every((r) => r?.secret === key.secret));
  assert.equal(db.queryCount, count + 1);
});

test('cache: entries expire after cacheTtlMs (injected clock)', async () => {
  let t = 1_000_000;
  const service = new ApiKeyService(db, encryptor, { cacheTtlMs: 5000, now: () => t });
  const key = await service.create(activeUser(), { algorithm: 'HS256' });
  await service.forVerification(key.kid);
  await db.query("UPDATE apikeys SET state = 'disabled' WHERE kid = $1", [key.kid]);

  t += 4999;
  let count = db.queryCount;
  assert.equal((await service.forVerification(key.kid))!.state, 'active');
  assert.equal(db.queryCount, count);

  t += 1;
  count = db.queryCount;
  assert.equal((await service.forVerification(key.kid))!.state, 'disabled', 'expired entry re-read');
  assert.equal(db.queryCount, count + 1);
});

test('setState and deactivateForHolder invalidate; only active keys of that holder change', async () => {
  const service = new ApiKeyService(db, encryptor);
  const holder = activeUser();
  const a = await service.create(holder, { algorithm: 'HS256' });
  const b = await service.create(holder, { algorithm: 'HS384' });
  const c = await service.create(holder, { algorithm: 'HS256' });
  const sa = await service.create({ type: 'ServiceAccount', id: holder.id, state: 'active' }, { algorithm: 'HS256' });
  const stranger = await service.create(activeUser(), { algorithm: 'HS256' });
  for (const k of [a, b, c, sa, stranger]) await service.forVerification(k.kid);

  const updated = await service.setState(c.kid, 'disabled');
  assert.equal(updated?.state, 'disabled');
  assert.equal((await service.forVerification(c.kid))!.state, 'disabled', 'setState invalidates');
  assert.equal(await service.setState('0123456789abcdef', 'inactive'), null);

  const changed = await service.deactivateForHolder('User', holder.id);
  assert.deepEqual(changed.sort(), [a.kid, b.kid].sort());
  assert.equal((await service.forVerification(a.kid))!.state, 'inactive');
  assert.equal((await service.forVerification(b.kid))!.state, 'inactive');
  assert.equal((await service.forVerification(c.kid))!.state, 'disabled', 'a non-active key keeps its state');
  assert.equal((await service.forVerification(sa.kid))!.state, 'active', 'the same id as a ServiceAccount is another holder');
  assert.equal((await service.forVerification(stranger.kid))!.state, 'active');
  assert.deepEqual(await service.deactivateForHolder('User', holder.id), []);

  assert.equal(await service.delete(a.kid), true);
  assert.equal(await service.forVerification(a.kid), null, 'delete invalidates');
  assert.equal(await service.delete(a.kid), false);
});

test('cache stays bounded: the oldest entries are evicted beyond cacheMax', async () => {
  const service = new ApiKeyService(db, encryptor, { cacheMax: 3 });
  const keys = [];
  for (let i = 0; i < 5; i++) keys.push(await service.create(activeUser(), { algorithm: 'HS256' }));
  for (const k of keys) await service.forVerification(k.kid);
  for (let i = 0; i < 20; i++) await service.forVerification(`unknown${String(i).padStart(9, '0')}`);
  assert.equal(service.cacheSize, 3);

  for (const k of keys.slice(0, 3)) await service.forVerification(k.kid); // the 3 most recent now
  const count = db.queryCount;
  for (const k of keys.slice(0, 3)) await service.forVerification(k.kid);
  assert.equal(db.queryCount, count, 'the newest entries are kept');
  await service.forVerification(keys[4].kid);
  assert.equal(db.queryCount, count + 1, 'an evicted entry is read again');
  assert.equal(service.cacheSize, 3);
});

test('NonceGuard: a nonce is accepted once per key, and remembered as long as any nonce of its second can be valid', async () => {
  let t = 1_700_000_000_000;
  const kv = new MemoryKeyValueStore(() => t);
  try {
    const guard = new NonceGuard(kv, 5000);
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005143'), true);
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005143'), false, 'replay refused');
    assert.equal(await guard.firstUse('aaaaaaaaaaaaaaaa', '1584524005143'), true, 'another kid, same nonce');
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005144'), true, 'same kid, another nonce');
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005999x'), true, 'another nonce string of the same second');
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524006000'), true, 'the next second');
    t += 12_999; // ttl = ceil((1000 + 2 * 5000) / 1000) + 2 = 13 s from the second's first nonce
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005144'), false, 'a later nonce of the second does not extend it, but it still holds');
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005143'), false);
    t += 1;
    assert.equal(await guard.firstUse('61d025b8573501c2', '1584524005143'), true, 'forgotten once it can no longer be valid');
  } finally {
    await kv.close();
  }
});

/** An in-process store that records the size of every addToSetsOnce call. */
function countingStore() {
  const kv = new MemoryKeyValueStore();
  const calls: number[] = [];
  const many = kv.addToSetsOnce.bind(kv);
  kv.addToSetsOnce = (pairs, ttl) => { calls.push(pairs.length); return many(pairs, ttl); };
  return { kv, calls };
}

test('NonceGuard: checks of one event-loop turn go to the store as one call, each with its own answer', async () => {
  const { kv, calls } = countingStore();
  try {
    const guard = new NonceGuard(kv, 5000);
    const answers = await Promise.all([
      guard.firstUse('kid1', '1584524005143'), guard.firstUse('kid1', '1584524005143'),
      guard.firstUse('kid2', '1584524005143'), guard.firstUse('kid1', '1584524005144'),
    ]);
    assert.deepEqual(answers, [true, false, true, true], 'the replay inside the batch is refused, the others pass');
    assert.deepEqual(calls, [4]);
    assert.equal(await guard.firstUse('kid2', '1584524005143'), false, 'a later turn sees the batch');
    assert.deepEqual(calls, [4, 1]);
  } finally {
    await kv.close();
  }
});

test('NonceGuard: a burst larger than one batch goes out in several calls, replays across them still refused', async () => {
  const { kv, calls } = countingStore();
  try {
    const guard = new NonceGuard(kv, 5000);
    const nonces = Array.from({ length: NONCE_BATCH_MAX + 10 }, (_, i) => String(1584524005143 + i));
    nonces.push(nonces[0]); // the same nonce again, in the second chunk
    const answers = await Promise.all(nonces.map((n) => guard.firstUse('kid1', n)));
    assert.deepEqual(calls, [NONCE_BATCH_MAX, 11]);
    assert.equal(answers.filter(Boolean).length, NONCE_BATCH_MAX + 10);
    assert.equal(answers.at(-1), false);
  } finally {
    await kv.close();
  }
});

test('NonceGuard: checks made while a call is out wait for its answer, then go together in one call', async () => {
  const { kv, calls } = countingStore();
  const many = kv.addToSetsOnce.bind(kv);
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  // The first call (counted by countingStore) is held until release().
  kv.addToSetsOnce = async (pairs, ttl) => { const first = calls.length === 0; const answer = many(pairs, ttl); if (first) await gate; return answer; };
  try {
    const guard = new NonceGuard(kv, 5000);
    const first = guard.firstUse('kid1', '1');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, [1], 'the first check went out');
    const later: Promise<boolean>[] = [];
    for (let turn = 0; turn < 3; turn++) {
      later.push(guard.firstUse('kid1', String(10 + turn)), guard.firstUse('kid1', '1'));
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(calls, [1], 'nothing more is sent while the first call is out');
    release();
    assert.equal(await first, true);
    assert.deepEqual(await Promise.all(later), [true, false, true, false, true, false], 'the replays of nonce 1 are refused');
    assert.deepEqual(calls, [1, 6], 'the three turns went out as one call');
  } finally {
    await kv.close();
  }
});

test('NonceGuard: a store failure fails every check of the batch, and the next turn works again', async () => {
  const kv = new MemoryKeyValueStore();
  const many = kv.addToSetsOnce.bind(kv);
  kv.addToSetsOnce = () => Promise.reject(new Error('redis down'));
  try {
    const guard = new NonceGuard(kv, 5000);
    const results = await Promise.allSettled([guard.firstUse('kid1', '1'), guard.firstUse('kid2', '1')]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    kv.addToSetsOnce = many;
    assert.equal(await guard.firstUse('kid1', '1'), true, 'nothing was remembered by the failed batch');
  } finally {
    await kv.close();
  }
});

test('a flood of unknown kids cannot evict real keys from the cache', async () => {
  const { db, cleanup } = await openTestDb();
  try {
    const svc = new ApiKeyService(db, new Encryptor(randomBytes(32)), { cacheMax: 20 });
    const [{ id }] = await db.query<{ id: number }>("INSERT INTO users (uid, email, password_digest) VALUES ('IDFLOOD00001', 'flood@example.com', 'x') RETURNING id");
    const real = await svc.create({ type: 'User', id: Number(id), state: 'active' }, { algorithm: 'HS256' });
    assert.ok(await svc.forVerification(real.kid));
    for (let i = 0; i < 100; i++) assert.equal(await svc.forVerification(`unknown${i}`), null);
    const before = db.queryCount;
    assert.ok(await svc.forVerification(real.kid));
    assert.equal(db.queryCount, before, 'the real key is still served from memory');
  } finally {
    await cleanup();
  }
});
