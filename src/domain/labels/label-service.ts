import { isUniqueViolation, type Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { levelsRepo } from '../../db/repositories/levels.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { Label, User } from '../users/user.js';
import { EventLog, userEventForm, userModelRecord } from '../events/event-log.js';
import { computeLevel, computeState, labelErrors, normalizeLabelPart, triggerKeys, type StateRules } from './label-rules.js';
import { ModelError } from '../../errors/app-error.js';

/** What leaving `active` does beyond the user row (§2.1): API keys off. Returns the kids turned off. */
export type LeftActiveHook = (q: Queryable, user: User) => Promise<string[]>;

/** Writes labels and keeps the user's state and level derived from them (BARONG.md §2.2, §3). */
export class LabelService {
  private leftActive: { hook: LeftActiveHook; dropKeys: (kids: string[]) => void } | null = null;

  constructor(private readonly events: EventLog, private readonly rules: StateRules) {}

  /** Bound by the container once the API-key services exist (they are built after the identity core). */
  onLeftActive(hook: LeftActiveHook, dropKeys: (kids: string[]) => void): void {
    this.leftActive = { hook, dropKeys };
  }

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

  /** Label keys that change a user's state whatever the scope (§3.1). */
  get triggerKeys(): ReadonlySet<string> {
    return triggerKeys(this.rules);
  }

  /**
   * Creates a label of any scope (public labels for the user API, any scope for admins):
   * normalised, validated (422 model keys, `key.taken`), `model.label.created`. State and
   * level are recomputed when the label is private or its key is a state trigger.
   */
  async create(q: Queryable, user: User, input: { key: string; value: string; scope: string; description?: string | null }): Promise<{ label: Label; user: User }> {
    const key = normalizeLabelPart(input.key);
    const value = normalizeLabelPart(input.value);
    const errors = labelErrors({ key, value, scope: input.scope });
    if (errors.length === 0 && (await labelsRepo.find(q, user.id, key, input.scope))) errors.push('key.taken');
    if (errors.length) throw new ModelError(errors);
    let label: Label;
    try {
      label = await labelsRepo.insert(q, { userId: user.id, key, value, scope: input.scope, description: input.description ?? null });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ModelError(['key.taken']);
      throw err;
    }
    const updated = this.matters(label) ? await this.recompute(q, user) : user;
    await this.announce(q, label, updated, null);
    return { label, user: updated };
  }

  /** Changes a label's value (and description / scope when given); validated like create. */
  async update(q: Queryable, user: User, label: Label, fields: { value?: string; description?: string | null; scope?: string }): Promise<{ label: Label; user: User }> {
    const value = fields.value === undefined ? label.value : normalizeLabelPart(fields.value);
    const scope = fields.scope ?? label.scope;
    const errors = labelErrors({ key: label.key, value, scope });
    if (errors.length === 0 && scope !== label.scope && (await labelsRepo.find(q, user.id, label.key, scope))) errors.push('key.taken');
    if (errors.length) throw new ModelError(errors);
    const changed = value !== label.value || scope !== label.scope || (fields.description !== undefined && fields.description !== label.description);
    if (!changed) return { label, user };
    const saved = await labelsRepo.updateById(q, label.id, { value, scope, description: fields.description });
    const updated = this.matters(label) || this.matters(saved) ? await this.recompute(q, user) : user;
    const changes: Record<string, unknown> = {};
    if (saved.value !== label.value) changes.value = label.value;
    if (saved.scope !== label.scope) changes.scope = label.scope;
    if (saved.description !== label.description) changes.description = label.description;
    await this.announce(q, saved, updated, changes);
    return { label: saved, user: updated };
  }

  /** Deletes a label (no event, as Barong); recomputes when it mattered. */
  async remove(q: Queryable, user: User, label: Label): Promise<User> {
    if (!(await labelsRepo.removeById(q, label.id))) return user;
    return this.matters(label) ? this.recompute(q, user) : user;
  }

  private matters(label: Label): boolean {
    return label.scope === 'private' || this.triggerKeys.has(label.key);
  }

  private async announce(q: Queryable, label: Label, user: User, changes: Record<string, unknown> | null): Promise<void> {
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    const record = { id: label.id, key: label.key, value: label.value, description: label.description, user: userEventForm(user, refUid) };
    if (changes === null) await this.events.emit(q, 'model.label.created', record);
    else await this.events.emit(q, 'model.label.updated', record, changes);
    if (label.scope === 'private' && label.key === 'document' && (label.value === 'verified' || label.value === 'rejected') && (changes === null || 'value' in changes || 'scope' in changes)) {
      await this.events.emit(q, `system.document.${label.value}`, record);
    }
  }

  async removePrivate(q: Queryable, user: User, key: string): Promise<User> {
    if (!(await labelsRepo.remove(q, user.id, key, 'private'))) return user;
    return this.recompute(q, user);
  }

  /**
   * Recomputes state then level; saves and emits model.user.updated only when something changed.
   * A new state other than `active` turns the user's and his service accounts' API keys off, as
   * any state change does (§3.1 step 4, §2.1): they stay off when the state comes back.
   */
  async recompute(q: Queryable, user: User): Promise<User> {
    const labels = await labelsRepo.forUser(q, user.id);
    const state = computeState(labels, this.rules);
    const level = computeLevel(labels, await levelsRepo.all(q));
    if (state === user.state && level === user.level) return user;
    const updated = await usersRepo.update(q, user.id, { state, level });
    if (state !== user.state && state !== 'active' && this.leftActive) {
      const { hook, dropKeys } = this.leftActive;
      const kids = await hook(q, updated);
      if (kids.length) this.events.afterCommit(() => dropKeys(kids));
    }
    const changes: Record<string, unknown> = {};
    if (state !== user.state) changes.state = user.state;
    if (level !== user.level) changes.level = user.level;
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    await this.events.emit(q, 'model.user.updated', userModelRecord(updated, refUid), changes);
    return updated;
  }
}
