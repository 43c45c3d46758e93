import type { Db, Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { EventLog } from '../events/event-log.js';
import { normalizeLabelPart } from '../labels/label-rules.js';
import type { LabelService } from '../labels/label-service.js';
import type { Label, User } from '../users/user.js';
import type { ProtectingActor } from './users-admin-audit.js';

export interface LabelsAdminDeps { db: Db; events: EventLog; labels: LabelService }

/** Who acts, and the front door's superadmin protection. */
export type LabelActor = ProtectingActor;

export interface LabelInput { key: string; value: string; scope: string; description?: string | null }

/**
 * Admin label management (BARONG.md §8.7): labels of any scope on any user. The label service
 * validates, recomputes state and level for private labels and writes `model.label.*`;
 * everything happens on the locked user in one transaction. The admin activity is the
 * permission check's (BARONG.md §18.2), not written here.
 */
export class LabelsAdmin {
  constructor(private readonly d: LabelsAdminDeps) {}

  /** POST admin/users/labels: a new label (`key.taken` when the user has it in that scope). */
  async create(who: LabelActor, uid: string, input: LabelInput): Promise<void> {
    await this.onUser(who, uid, async (q, user) => {
      checkDescription(input.description);
      await this.d.labels.create(q, user, input);
    });
  }

  /**
   * POST admin/users/labels/update: value and description replaced (an omitted description
   * clears it); a missing label is created when `replace`, else 404 `admin.label.doesnt_exist`.
   */
  async replace(who: LabelActor, uid: string, input: LabelInput, replace: boolean): Promise<void> {
    await this.onUser(who, uid, async (q, user) => {
      checkDescription(input.description);
      const label = await this.find(q, user, input.key, input.scope);
      if (!label) {
        if (!replace) throw new AppError('admin.label.doesnt_exist');
        await this.d.labels.create(q, user, input);
        return;
      }
      await this.d.labels.update(q, user, label, { value: input.value, description: input.description ?? null });
    });
  }

  /** PUT admin/users/labels: the value (and the description when given) of an existing label. */
  async update(who: LabelActor, uid: string, input: LabelInput): Promise<void> {
    await this.onUser(who, uid, async (q, user) => {
      checkDescription(input.description);
      const label = await this.find(q, user, input.key, input.scope);
      if (!label) throw new AppError('admin.label.doesnt_exist');
      await this.d.labels.update(q, user, label, { value: input.value, description: input.description });
    });
  }

  /** DELETE admin/users/labels. */
  async remove(who: LabelActor, uid: string, key: string, scope: string): Promise<void> {
    await this.onUser(who, uid, async (q, user) => {
      const label = await this.find(q, user, key, scope);
      if (!label) throw new AppError('admin.label.doesnt_exist');
      await this.d.labels.remove(q, user, label);
    });
  }

  private find(q: Queryable, user: User, key: string, scope: string): Promise<Label | null> {
    return labelsRepo.find(q, user.id, normalizeLabelPart(key), scope);
  }

  /** 404 user → superadmin protection → the change in one transaction → announce. */
  private async onUser(who: LabelActor, uid: string, fn: (q: Queryable, user: User) => Promise<void>): Promise<void> {
    const target = uid ? await usersRepo.byUid(this.d.db, uid) : null;
    if (!target) throw new AppError('admin.user.doesnt_exist');
    who.protect(target);
    await this.d.db.tx(async (q) => {
      await fn(q, (await usersRepo.lockById(q, target.id)) ?? target);
    });
    this.d.events.committed();
  }
}

/** The column holds 255 characters (the label model has no rule of its own for it). */
function checkDescription(description: string | null | undefined): void {
  if (description && description.length > 255) throw new ModelError(['description.too_long']);
}
