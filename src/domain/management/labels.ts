import type { Db, Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import type { EventLog } from '../events/event-log.js';
import { normalizeLabelPart } from '../labels/label-rules.js';
import type { LabelService } from '../labels/label-service.js';
import type { Label, User } from '../users/user.js';
import { ManagementError, notFound } from './errors.js';
import { modelFailure } from './users.js';

/**
 * Management labels (BARONG.md §9.2): private labels by default, through the label service (it
 * validates, recomputes state and level and writes `model.label.*`). Model errors are Barong's
 * full messages under `error` (Warden fix #12: Barong sent the raw error hash).
 */
export class ManagementLabels {
  constructor(private readonly d: { db: Db; events: EventLog; labels: LabelService }) {}

  /** labels/list: both scopes; unknown uid → 404. */
  async list(uid: string): Promise<Label[]> {
    return labelsRepo.forUser(this.d.db, (await this.user(uid)).id);
  }

  async create(uid: string, input: { key: string; value: string; description?: string }): Promise<Label> {
    return this.onUser(uid, async (q, user) => {
      checkDescription(input.description);
      return (await this.d.labels.create(q, user, { ...input, scope: 'private' })).label;
    });
  }

  /** PUT labels: update the private label, or create it (scope as given, else private) when `replace`. */
  async put(uid: string, input: { key: string; value: string; description?: string; scope?: string }, replace: boolean): Promise<Label> {
    return this.onUser(uid, async (q, user) => {
      checkDescription(input.description);
      const label = await labelsRepo.find(q, user.id, normalizeLabelPart(input.key), 'private');
      if (!label) {
        if (!replace) throw new ManagementError(404, 'label doesnt exist');
        return (await this.d.labels.create(q, user, { key: input.key, value: input.value, description: input.description, scope: input.scope ?? 'private' })).label;
      }
      const fields = input.description === undefined ? { value: input.value } : { value: input.value, description: input.description };
      return (await this.d.labels.update(q, user, label, fields)).label;
    });
  }

  async remove(uid: string, key: string): Promise<void> {
    await this.onUser(uid, async (q, user) => {
      const label = await labelsRepo.find(q, user.id, normalizeLabelPart(key), 'private');
      if (!label) throw notFound();
      await this.d.labels.remove(q, user, label);
    });
  }

  private async user(uid: string): Promise<User> {
    const user = await usersRepo.byUid(this.d.db, uid);
    if (!user) throw notFound();
    return user;
  }

  private async onUser<T>(uid: string, fn: (q: Queryable, user: User) => Promise<T>): Promise<T> {
    const target = await this.user(uid);
    let out: T;
    try {
      out = await this.d.db.tx(async (q) => fn(q, (await usersRepo.lockById(q, target.id)) ?? target));
    } catch (e) {
      modelFailure(e);
    }
    this.d.events.committed();
    return out;
  }
}

function checkDescription(description: string | undefined): void {
  if (description && description.length > 255) throw new ModelError(['description.too_long']);
}
