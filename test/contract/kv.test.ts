import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory.js';
import { RedisKeyValueStore } from '../../src/infra/kv/redis.js';
import type { KeyValueStore } from '../../src/infra/kv/port.js';

/** One behaviour contract, run on the in-process twin always and on Redis when REDIS_URL is set. */
const stores: [string, () => Promise<KeyValueStore>][] = [['memory', async () => new MemoryKeyValueStore()]];
if (process.env.REDIS_URL) stores.push(['redis', () => RedisKeyValueStore.connect(process.env.REDIS_URL!, `warden-contract:${randomBytes(4).toString('hex')}:`)]);

for (const [name, open] of stores) {
  describe(`key-value store: ${name}`, () => {
    const opened: KeyValueStore[] = [];
    const store = async () => { const s = await open(); opened.push(s); return s; };
    after(async () => { for (const s of opened) await s.close(); });

    test('get/set/delete/getAndDelete', async () => {
      const kv = await store();
      assert.equal(await kv.get('a'), null);
      await kv.set('a', '1');
      assert.equal(await kv.get('a'), '1');
      assert.equal(await kv.getAndDelete('a'), '1');
      assert.equal(await kv.getAndDelete('a'), null);
      await kv.set('b', '2', 60);
      await kv.delete('b', 'missing');
      assert.equal(await kv.get('b'), null);
    });

    test('setIfAbsent sets once', async () => {
      const kv = await store();
      assert.equal(await kv.setIfAbsent('once', 'x', 60), true);
      assert.equal(await kv.setIfAbsent('once', 'y', 60), false);
      assert.equal(await kv.get('once'), 'x');
    });

    test('addToSetsOnce: one answer per pair, in order; a repeated pair is added by its first occurrence', async () => {
      const kv = await store();
      assert.deepEqual(await kv.addToSetsOnce([], 60), []);
      assert.deepEqual(await kv.addToSetsOnce([['s1', 'a'], ['s1', 'b'], ['s2', 'a'], ['s1', 'a']], 60), [true, true, true, false]);
      assert.deepEqual((await kv.setMembers('s1')).sort(), ['a', 'b']);
      assert.deepEqual(await kv.addToSetsOnce([['s2', 'a'], ['s2', 'c']], 60), [false, true]);
    });

    test('addToSetsOnce: a set expires ttl after the call that created it; later additions do not extend it', async () => {
      const kv = await store();
      assert.deepEqual(await kv.addToSetsOnce([['e1', 'a']], 2), [true]);
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(await kv.addToSetsOnce([['e1', 'b'], ['e1', 'a']], 2), [true, false]);
      await new Promise((r) => setTimeout(r, 1100));
      assert.deepEqual(await kv.addToSetsOnce([['e1', 'a'], ['e1', 'b']], 2), [true, true], 'gone 2 s after creation, not after the last addition');
    });

    test('incr counts and keeps the first TTL', async () => {
      const kv = await store();
      assert.equal(await kv.incr('n', 60), 1);
      assert.equal(await kv.incr('n', 60), 2);
      assert.equal(await kv.get('n'), '2');
    });

    test('expiry: a 1-second key disappears', async () => {
      const kv = await store();
      await kv.set('short', 'v', 1);
      assert.equal(await kv.get('short'), 'v');
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(await kv.get('short'), null);
    });

    test('sets: add, members, remove', async () => {
      const kv = await store();
      await kv.setAdd('s', 'a', 60);
      await kv.setAdd('s', 'b', 60);
      await kv.setAdd('s', 'a', 60);
      assert.deepEqual((await kv.setMembers('s')).sort(), ['a', 'b']);
      await kv.setRemove('s', 'a');
      assert.deepEqual(await kv.setMembers('s'), ['b']);
      assert.deepEqual(await kv.setMembers('none'), []);
    });

    test('deleteByPrefix removes exactly the keys under the prefix (strings and sets), glob characters literal', async () => {
      const kv = await store();
      await kv.set('sess:a', '1', 60);
      await kv.set('sess:b', '2');
      await kv.setAdd('sess:set', 'm', 60);
      await kv.set('sess*x', 'glob', 60);
      await kv.set('other:sess:a', 'keep', 60);
      await kv.set('sesS:c', 'keep', 60);
      assert.equal(await kv.deleteByPrefix('sess:'), 3);
      assert.deepEqual([await kv.get('sess:a'), await kv.get('sess:b'), await kv.setMembers('sess:set')], [null, null, []]);
      assert.deepEqual([await kv.get('sess*x'), await kv.get('other:sess:a'), await kv.get('sesS:c')], ['glob', 'keep', 'keep']);
      assert.equal(await kv.deleteByPrefix('sess*'), 1, 'the * is not a wildcard');
      assert.equal(await kv.get('sesS:c'), 'keep');
      assert.equal(await kv.deleteByPrefix('nothing:'), 0);
    });

    test('pub/sub delivers to subscribers', async () => {
      const kv = await store();
      const got = new Promise<string>((resolve) => { void kv.subscribe('chan', resolve); });
      await new Promise((r) => setTimeout(r, 50));
      await kv.publish('chan', 'hello');
      assert.equal(await got, 'hello');
      assert.equal(await kv.ping(), true);
    });
  });
}

test('memory store honours an injected clock', async () => {
  let now = 1_000_000;
  const kv = new MemoryKeyValueStore(() => now);
  await kv.set('k', 'v', 10);
  now += 9_000;
  assert.equal(await kv.get('k'), 'v');
  now += 1_000;
  assert.equal(await kv.get('k'), null);
  await kv.close();
});

describe('RedisKeyValueStore on Redis', { skip: !process.env.REDIS_URL && 'REDIS_URL is not set' }, () => {
  test('incr and setAdd keep their TTL rules, survive a flushed script cache, and share their turn\'s socket write', async () => {
    const { Redis } = await import('ioredis');
    const prefix = `warden-contract:${randomBytes(4).toString('hex')}:`;
    const kv = await RedisKeyValueStore.connect(process.env.REDIS_URL!, prefix);
    const raw = new Redis(process.env.REDIS_URL!);
    try {
      assert.equal(await kv.incr('n', 60), 1);
      assert.equal(await kv.incr('n', 5), 2);
      const ttl = await raw.ttl(`${prefix}n`);
      assert.ok(ttl > 50 && ttl <= 60, `the first TTL stays (${ttl})`);
      await kv.setAdd('s', 'a', 60);
      await kv.setAdd('s', 'b', 120);
      assert.ok((await raw.ttl(`${prefix}s`)) > 100, 'each add renews the TTL');
      await raw.script('FLUSH'); // Redis restarted or failed over: EVALSHA answers NOSCRIPT
      assert.equal(await kv.incr('n', 60), 3);
      await kv.setAdd('s', 'c', 60);
      assert.deepEqual((await kv.setMembers('s')).sort(), ['a', 'b', 'c']);

      // A login's rate-limit check (incr + get) and its session (set + setAdd): one write each.
      const stream = (kv as unknown as { redis: { stream: { write: (...a: unknown[]) => boolean } } }).redis.stream;
      const write = stream.write.bind(stream);
      let writes = 0;
      stream.write = (...a: unknown[]) => { writes++; return write(...a); };
      try {
        assert.deepEqual(await Promise.all([kv.incr('n', 60), kv.get('n')]), [4, '4'], 'in order');
        assert.equal(writes, 1);
        await Promise.all([kv.set('session', 'v', 60), kv.setAdd('index', 'h', 60)]);
        assert.equal(writes, 2);
      } finally {
        stream.write = write;
      }
    } finally {
      raw.disconnect();
      await kv.close();
    }
  });
});
