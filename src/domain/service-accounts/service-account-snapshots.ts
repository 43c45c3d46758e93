import type { Awaitable } from '../../lib/awaitable.js';
import type { Queryable } from '../../db/db.js';
import { serviceAccountsRepo } from '../../db/repositories/service-accounts.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { USER_CHANNEL, type UserSnapshot } from '../authz/user-snapshots.js';

/**
 * Service accounts as gateway principals, cached like users. An entry is dropped when the
 * account or its owner is announced on the user channel (the account mirrors the owner's
 * state and level), and after the TTL in any case.
 */
export class ServiceAccountSnapshots {
  private readonly cache = new Map<number, { snap: UserSnapshot | null; uid: string | null; ownerUid: string | null; at: number }>();

  constructor(private readonly db: Queryable, private readonly kv: KeyValueStore, private readonly ttlMs = 30_000, private readonly max = 10_000, private readonly now: () => number = Date.now) {}

  async start(): Promise<void> {
    await this.kv.subscribe(USER_CHANNEL, (uid) => this.forget(uid));
  }

  /** Drops every entry for this account uid or owned by this user uid. */
  forget(uid: string): void {
    for (const [id, e] of this.cache) if (e.uid === uid || e.ownerUid === uid) this.cache.delete(id);
  }

  getById(id: number): Awaitable<UserSnapshot | null> {
    const hit = this.cache.get(id);
    return hit && this.now() - hit.at < this.ttlMs ? hit.snap : this.read(id);
  }

  private async read(id: number): Promise<UserSnapshot | null> {
    const sa = await serviceAccountsRepo.byId(this.db, id);
    const snap: UserSnapshot | null = sa
      ? { id: sa.ownerId ?? 0, uid: sa.uid, username: null, email: sa.email, referralId: null, role: sa.role, level: sa.level, state: sa.state, otp: false, serviceAccount: true }
      : null;
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { snap, uid: sa?.uid ?? null, ownerUid: sa?.ownerUid ?? null, at: this.now() });
    return snap;
  }
}
