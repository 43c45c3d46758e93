import type { Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { levelsRepo } from '../../db/repositories/levels.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { User } from '../users/user.js';
import { EventLog, userEventForm } from '../events/event-log.js';
import { computeLevel, computeState, type StateRules } from './label-rules.js';

/** Writes labels and keeps the user's state and level derived from them (BARONG.md §2.2, §3). */
export class LabelService {
  constructor(private readonly events: EventLog, private readonly rules: StateRules) {}

  async setPrivate(q: Queryable, user: User, key: string, value: string): Promise<User> {
    const { label, previous } = await labelsRepo.upsert(q, user.id, key, value, 'private');
    if (previous === value) return user;
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    const updated = await this.recompute(q, user);
    const record = { id: label.id, key: label.key, value: label.value, description: label.description, user: userEventForm(updated, refUid) };
    if (previous === null) await this.events.emit(q, 'model.label.created', record);
    else await this.events.emit(q, 'model.label.updated', record, { value: previous });
    if (key === 'document' && (value === 'verified' || value === 'rejected')) {
      await this.events.emit(q, `system.document.${value}`, record);
    }
    return updated;
  }

  async removePrivate(q: Queryable, user: User, key: string): Promise<User> {
    if (!(await labelsRepo.remove(q, user.id, key, 'private'))) return user;
    return this.recompute(q, user);
  }

  /** Recomputes state then level; saves and emits model.user.updated only when something changed. */
  async recompute(q: Queryable, user: User): Promise<User> {
    const labels = await labelsRepo.forUser(q, user.id);
    const state = computeState(labels, this.rules);
    const level = computeLevel(labels, await levelsRepo.all(q));
    if (state === user.state && level === user.level) return user;
    const updated = await usersRepo.update(q, user.id, { state, level });
    const changes: Record<string, unknown> = {};
    if (state !== user.state) changes.state = user.state;
    if (level !== user.level) changes.level = user.level;
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    await this.events.emit(q, 'model.user.updated', userEventForm(updated, refUid), changes);
    return updated;
  }
}
