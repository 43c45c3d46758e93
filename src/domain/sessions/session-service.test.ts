import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryKeyValueStore } from '../../infra/kv/memory.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { SessionService } from './session-service.js';

const IP = '203.0.113.7';
const UA = 'Mozilla/5.0 (test)';
const CACHE = { maxAgeMs: 1000, maxEntries: 100 };
const tick = () => new Promise((r) => setImmediate(r));

/** Counts store reads; `holdNext` makes the next read wait, with its value, until released. */
function countingStore(kv: KeyValueStore) {
  let gets = 0;
  let hold: ((release: () => void) => void) | null = null;
  const store = new Proxy(kv, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver);
      return async (key: string) => {
        gets++;
        const value = await target.get(key);
        const h = hold;
        if (h) { hold = null; await new Promise<void>((release) => h(release)); }
        return value;
      };
    },
  });
  return {
    store,
    get gets() { return gets; },
    /** Resolves once the next read has its value, with the function that lets it return. */
    holdNext(): Promise<() => void> { return new Promise((resolve) => { hold = resolve; }); },
  };
}

function setup(maxAgeMs = CACHE.maxAgeMs, idleSeconds = 1800) {
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const kv = new MemoryKeyValueStore(now);
  const a = countingStore(kv);
  const b = countingStore(kv);
  const opts = { maxAgeMs, maxEntries: CACHE.maxEntries };
  const one = new SessionService(a.store, idleSeconds, now, opts);
  const two = new SessionService(b.store, idleSeconds, now, opts);
  return { kv, a, b, one, two, advance: (ms: number) => { clock += ms; } };
}

test('a session read within the cache age costs no store read; after it, one', async () => {
  const { a, one, advance } = setup();
  const { id } = await one.open('ID1', IP, UA);
  assert.equal((await one.check(id, IP, UA)).ok, true);
  const reads = a.gets;
  for (let i = 0; i < 5; i++) assert.equal((await one.check(id, IP, UA)).ok, true);
  assert.equal(a.gets, reads, 'served from the process');
  advance(1000);
  assert.equal((await one.check(id, IP, UA)).ok, true);
  assert.equal(a.gets, reads + 1, 'an aged copy is read again');
});

test('a logout on one instance ends the session on another that holds a copy, once pub/sub delivers', async () => {
  const { one, two } = setup();
  await one.start(); await two.start();
  const { id, session } = await one.open('ID2', IP, UA);
  assert.equal((await two.check(id, IP, UA)).ok, true, 'two now holds a copy');
  await one.destroy(id, session.uid);
  assert.equal((await one.check(id, IP, UA)).ok, false, 'at once where it ended');
  await tick();
  assert.deepEqual(await two.check(id, IP, UA), { ok: false, reason: 'invalid_session' });
});

test('ending all of a user\'s sessions, or everyone\'s, drops every copy', async () => {
  const { one, two } = setup();
  await one.start(); await two.start();
  const s1 = await one.open('ID3', IP, UA);
  const s2 = await one.open('ID3', IP, UA);
  const other = await one.open('ID4', IP, UA);
  for (const s of [s1, s2, other]) assert.equal((await two.check(s.id, IP, UA)).ok, true);
  assert.equal(await one.destroyAllFor('ID3', s2.id), 1);
  await tick();
  assert.equal((await two.check(s1.id, IP, UA)).ok, false);
  assert.equal((await two.check(s2.id, IP, UA)).ok, true, 'the kept session stays');
  await one.destroyEveryone();
  await tick();
  assert.equal((await two.check(s2.id, IP, UA)).ok, false);
  assert.equal((await two.check(other.id, IP, UA)).ok, false);
});

test('a read that was in flight while the session ended is used once but never cached', async () => {
  const { a, one } = setup();
  const { id, session } = await one.open('ID5', IP, UA);
  const held = a.holdNext();
  const inFlight = one.check(id, IP, UA);
  const release = await held; // the read has its value (the session, still there)
  await one.destroy(id, session.uid);
  release();
  assert.equal((await inFlight).ok, true, 'the request that raced the logout saw it live');
  assert.equal((await one.check(id, IP, UA)).ok, false, 'the next one reads the store and finds nothing');
});

test('a copy older than a slide written elsewhere is not taken for expired: the store decides', async () => {
  // 10 idle seconds (a slide write-back every second) under a 60 s cache: a copy can outlive its expiry.
  const { one, two, advance } = setup(60_000, 10);
  const { id } = await one.open('ID6', IP, UA);
  assert.equal((await two.check(id, IP, UA)).ok, true, 'two caches expireTime = t0 + 10');
  advance(5_000);
  assert.equal((await one.check(id, IP, UA)).ok, true, 'one slides and writes back t0 + 15');
  advance(6_000); // t0 + 11: past two's copy, within its cache age
  assert.equal((await two.check(id, IP, UA)).ok, true);
  advance(11_000);
  assert.deepEqual(await two.check(id, IP, UA), { ok: false, reason: 'client_session_mismatch' }, 'really idle: expired');
});

test('without a cache every check reads the store', async () => {
  const { a, one } = setup(0);
  const { id } = await one.open('ID7', IP, UA);
  await one.check(id, IP, UA); await one.check(id, IP, UA);
  assert.equal(a.gets, 2);
});
