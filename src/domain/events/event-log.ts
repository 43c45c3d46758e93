import type { Queryable } from '../../db/db.js';
import { outboxRepo } from '../../db/repositories/outbox.js';
import type { User } from '../users/user.js';

/** Barong's user event form `U` (BARONG.md §13.2), ISO timestamps without fractions. */
export function userEventForm(user: User, referralUid: string | null): Record<string, unknown> {
  const form: Record<string, unknown> = {
    uid: user.uid, username: user.username, email: user.email, role: user.role, level: user.level, otp: user.otp,
    state: user.state, referral_uid: referralUid, created_at: isoSeconds(user.createdAt), updated_at: isoSeconds(user.updatedAt),
  };
  return withoutNulls(form);
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function withoutNulls<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/**
 * Writes domain events to the outbox inside the caller's transaction, so an event exists if
 * and only if its change was committed. Consumers (mailer, RabbitMQ) read the outbox later.
 */
export class EventLog {
  private readonly changedUsers = new Set<string>();

  constructor(
    private readonly isMailed: (name: string) => boolean,
    private readonly onCommitted: () => void = () => undefined,
    /** Told which users changed, after the change committed (caches of other instances drop them). */
    private readonly onUsersChanged: (uids: string[]) => void = () => undefined,
  ) {}

  async emit(q: Queryable, name: string, record: object, changes?: object): Promise<void> {
    if (name === 'model.user.updated') {
      const uid = (record as { uid?: unknown }).uid;
      if (typeof uid === 'string') this.changedUsers.add(uid);
    }
    const payload: Record<string, unknown> = { record, name };
    if (changes && Object.keys(changes).length > 0) payload.changes = changes;
    await outboxRepo.insert(q, name, payload, this.isMailed(name));
  }

  /** Call after the emitting transaction committed: wakes the consumers. */
  committed(): void {
    if (this.changedUsers.size) {
      const uids = [...this.changedUsers];
      this.changedUsers.clear();
      this.onUsersChanged(uids);
    }
    this.onCommitted();
  }
}
