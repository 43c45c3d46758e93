import type { Awaitable } from '../../lib/awaitable.js';
import type { Queryable } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { KeyValueStore } from '../../infra/kv/port.js';

/** What the gateway needs of a user: the JWT claims, the state and the 2FA flag. */
export interface UserSnapshot {
  id: number; uid: string; username: string | null; email: string; referralId: number | null;
  role: string; level: number; state: string; otp: boolean;
  /** A service account holding an API key (BARONG.md §16.4): other JWT claims, no admin audit. */
  serviceAccount?: true;
}

export const USER_CHANNEL = 'user-changed';

interface Read { done: Promise<UserSnapshot | null>; stale: boolean }

/**
 * Users by uid, cached in memory so the gateway's common path needs no database query. Every
 * committed change to a user is announced on the KV channel (see EventLog) and drops the entry
 * on every instance; the TTL bounds staleness should an announcement be lost.
 *
 * A read that was under way when an announcement came may have seen the row before the change
 * (a ban, say): it answers its own callers but is not cached, or the stale row would pass the
 * gateway until the TTL ran out. Concurrent misses for one user share a single read.
 */
export class UserSnapshots {
  private readonly cache = new Map<string, { snap: UserSnapshot | null; at: number }>();
  private readonly uidById = new Map<number, string>();
  /** Reads under way, one per user; `stale` once the user changed while it ran. */
  private readonly reading = new Map<string, Read>();

  constructor(private readonly db: Queryable, private readonly kv: KeyValueStore, private readonly ttlMs = 30_000, private readonly max = 100_000, private readonly now: () => number = Date.now) {}

  async start(): Promise<void> {
    await this.kv.subscribe(USER_CHANNEL, (uid) => this.invalidate(uid));
  }

  /** The snapshot itself when cached (the gateway's common path), else a promise of it. */
  get(uid: string): Awaitable<UserSnapshot | null> {
    const hit = this.cache.get(uid);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.snap;
    let read = this.reading.get(uid);
    if (!read) {
      const entry: Read = { stale: false, done: Promise.resolve(null) };
      entry.done = this.read(uid, entry).finally(() => {
        if (this.reading.get(uid) === entry) this.reading.delete(uid);
      });
      this.reading.set(uid, entry);
      read = entry;
    }
    return read.done;
  }

  private async read(uid: string, entry: Read): Promise<UserSnapshot | null> {
    const at = this.now();
    const row = await usersRepo.snapshotRow(this.db, uid);
    const snap = row ? { id: Number(row.id), uid: row.uid, username: row.username, email: row.email, referralId: row.referral_id === null ? null : Number(row.referral_id), role: row.role, level: row.level, state: row.state, otp: row.otp } : null;
    if (!entry.stale) {
      if (this.cache.size >= this.max && !this.cache.has(uid)) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(uid, { snap, at });
    }
    return snap;
  }

  /** API keys name their holder by id; the uid is looked up once and then cached like the rest. */
  getById(id: number): Awaitable<UserSnapshot | null> {
    const known = this.uidById.get(id);
    return known ? this.get(known) : this.getByNewId(id);
  }

  private async getByNewId(id: number): Promise<UserSnapshot | null> {
    const uid = await usersRepo.uidOf(this.db, id);
    if (!uid) return null;
    if (this.uidById.size >= this.max) this.uidById.delete(this.uidById.keys().next().value!);
    this.uidById.set(id, uid);
    return this.get(uid);
  }

  invalidate(uid?: string): void {
    // A read under way answers the callers it has, caches nothing, and later callers read afresh.
    if (uid === undefined) {
      this.cache.clear();
      for (const read of this.reading.values()) read.stale = true;
      this.reading.clear();
      return;
    }
    this.cache.delete(uid);
    const read = this.reading.get(uid);
    if (read) {
      read.stale = true;
      this.reading.delete(uid);
    }
  }
}
