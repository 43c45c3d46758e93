import type { Queryable } from '../../db/db.js';
import type { NewActivity } from '../../db/repositories/activities.js';
import { outboxRepo } from '../../db/repositories/outbox.js';
import type { User } from '../users/user.js';

/** Barong's user event form `U` (BARONG.md §13.2), ISO timestamps without fractions. */
/**
 * The user event form U of BARONG.md §13.2, as system events and the `user` of other records
 * carry it: every key, `username` and `referral_uid` null when unset.
 */
export function userEventForm(user: User, referralUid: string | null): Record<string, unknown> {
  return {
    uid: user.uid, username: user.username, email: user.email, role: user.role, level: user.level, otp: user.otp,
    state: user.state, referral_uid: referralUid, created_at: isoSeconds(user.createdAt), updated_at: isoSeconds(user.updatedAt),
  };
}

/** The record of `model.user.created` / `model.user.updated`: U with its nulls removed (§13.2). */
export function userModelRecord(user: User, referralUid: string | null): Record<string, unknown> {
  return withoutNulls(userEventForm(user, referralUid));
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function withoutNulls<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** The uid of the user an event record is about: `record.user.uid`, or `record.uid` for `model.user.*`. */
export function subjectUid(record: object): string | null {
  const r = record as { uid?: unknown; user?: { uid?: unknown } | null };
  if (r.user && typeof r.user.uid === 'string') return r.user.uid;
  return typeof r.uid === 'string' ? r.uid : null;
}

/**
 * Writes domain events to the outbox inside the caller's transaction, so an event exists if
 * and only if its change was committed. Consumers (mailer, RabbitMQ) read the outbox later.
 */
export class EventLog {
  private readonly changedUsers = new Set<string>();
  private readonly afterCommitTasks: (() => void)[] = [];

  constructor(
    private readonly isMailed: (name: string) => boolean,
    private readonly onCommitted: () => void = () => undefined,
    /** Told which users changed, after the change committed (caches of other instances drop them). */
    private readonly onUsersChanged: (uids: string[]) => void = () => undefined,
  ) {}

  async emit(q: Queryable, name: string, record: object, changes?: object): Promise<void> {
    await this.write(q, name, record, changes);
  }

  /** `emit` plus the activity that records the same action, in one statement. */
  async emitWithActivity(q: Queryable, name: string, record: object, activity: NewActivity): Promise<void> {
    await this.write(q, name, record, undefined, activity);
  }

  private async write(q: Queryable, name: string, record: object, changes?: object, activity?: NewActivity): Promise<void> {
    if (name === 'model.user.updated') {
      const uid = (record as { uid?: unknown }).uid;
      if (typeof uid === 'string') this.changedUsers.add(uid);
    }
    const payload: Record<string, unknown> = { record, name };
    if (changes && Object.keys(changes).length > 0) payload.changes = changes;
    // Keyed by the user the event is about: the insert waits for his other uncommitted events,
    // so the relay publishes each user's events in commit order (repositories/outbox.ts).
    await outboxRepo.insert(q, name, payload, this.isMailed(name), subjectUid(record), activity);
  }

  /**
   * Runs `task` at the next committed() (dropping cache entries once a change is visible). The
   * log is shared, so another request's commit may run it a little early: tasks must be safe
   * to run before the change commits, as cache invalidation is.
   */
  afterCommit(task: () => void): void {
    this.afterCommitTasks.push(task);
  }

  /** Call after the emitting transaction committed: wakes the consumers. */
  committed(): void {
    for (const task of this.afterCommitTasks.splice(0)) task();
    if (this.changedUsers.size) {
      const uids = [...this.changedUsers];
      this.changedUsers.clear();
      this.onUsersChanged(uids);
    }
    this.onCommitted();
  }
}
