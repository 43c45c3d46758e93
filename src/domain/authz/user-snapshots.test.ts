import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../db/db.js';
import { MemoryKeyValueStore } from '../../infra/kv/memory.js';
import { USER_CHANNEL, UserSnapshots } from './user-snapshots.js';

/** A users table of one row whose reads can be held open, to interleave them with changes. */
function fakeUsers() {
  const row = { id: 7, uid: 'ID0000000007', username: null, email: 'u@example.com', referral_id: null, role: 'member', level: 1, state: 'active', otp: false };
  const held: Array<() => void> = [];
  let hold = false;
  let reads = 0;
  const db: Queryable = {
    async query<T>(sql: string): Promise<T[]> {
      assert.match(sql, /FROM users WHERE uid = \$1/);
      reads++;
      const snapshot = { ...row }; // what the database holds when the read runs
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return [snapshot as T];
    },
  };
  return {
    db, row,
    get reads() { return reads; },
    holdReads(on: boolean) { hold = on; },
    release() { for (const r of held.splice(0)) r(); },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('UserSnapshots', () => {
  it('does not cache a read that a change overtook: the next check sees the ban', async () => {
    const users = fakeUsers();
    const kv = new MemoryKeyValueStore();
    const snaps = new UserSnapshots(users.db, kv);
    await snaps.start();
    users.holdReads(true);
    const first = snaps.get('ID0000000007'); // reads the row while the user is still active
    await tick();
    users.row.state = 'banned'; // the ban commits…
    await kv.publish(USER_CHANNEL, 'ID0000000007'); // …and is announced while the read is out
    await tick();
    users.release();
    assert.equal((await first)?.state, 'active'); // the overtaken read still answers its caller
    users.holdReads(false);
    assert.equal((await snaps.get('ID0000000007'))?.state, 'banned');
    assert.equal(users.reads, 2);
    await kv.close();
  });

  it('shares one read between concurrent misses and caches it', async () => {
    const users = fakeUsers();
    const snaps = new UserSnapshots(users.db, new MemoryKeyValueStore());
    users.holdReads(true);
    const all = Promise.all([snaps.get('ID0000000007'), snaps.get('ID0000000007'), snaps.get('ID0000000007')]);
    await tick();
    users.release();
    assert.deepEqual((await all).map((s) => s?.id), [7, 7, 7]);
    users.holdReads(false);
    await snaps.get('ID0000000007');
    assert.equal(users.reads, 1);
  });

  it('reads again after the TTL and after an invalidation', async () => {
    const users = fakeUsers();
    let now = 1_000_000;
    const snaps = new UserSnapshots(users.db, new MemoryKeyValueStore(), 30_000, 100, () => now);
    await snaps.get('ID0000000007');
    now += 29_999;
    await snaps.get('ID0000000007');
    assert.equal(users.reads, 1);
    now += 1;
    await snaps.get('ID0000000007');
    assert.equal(users.reads, 2);
    snaps.invalidate('ID0000000007');
    await snaps.get('ID0000000007');
    snaps.invalidate();
    await snaps.get('ID0000000007');
    assert.equal(users.reads, 4);
  });

  it('an invalidation of everything also stops reads under way from caching', async () => {
    const users = fakeUsers();
    const snaps = new UserSnapshots(users.db, new MemoryKeyValueStore());
    users.holdReads(true);
    const first = snaps.get('ID0000000007');
    await tick();
    users.row.role = 'admin';
    snaps.invalidate();
    users.release();
    assert.equal((await first)?.role, 'member');
    users.holdReads(false);
    assert.equal((await snaps.get('ID0000000007'))?.role, 'admin');
  });
});
