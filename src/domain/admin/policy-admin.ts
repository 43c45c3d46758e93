import type { Db } from '../../db/db.js';
import { adminPermissionsRepo, type Permission, type PermissionFields } from '../../db/repositories/admin-permissions.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { User } from '../users/user.js';

export type { Permission } from '../../db/repositories/admin-permissions.js';

export const PERMISSION_VERBS = ['GET', 'POST', 'DELETE', 'PUT', 'HEAD', 'PATCH', 'ALL'] as const;
export const PERMISSION_ACTIONS = ['ACCEPT', 'DROP', 'AUDIT'] as const;

interface Logger { warn(obj: object, msg: string): void }

/**
 * What the policy editors need: the database and the gateway's policy cache. Their admin
 * activity is the permission check's (BARONG.md §18.2).
 */
export interface PolicyAdminDeps {
  db: Db;
  policy: { reload(): Promise<void>; changed(what: string): Promise<void> };
  log: Logger;
}

/**
 * After a committed change: this instance reloads at once (the admin's next gateway call sees
 * it), and every instance is told over the key-value channel. A failed announcement does not
 * undo the committed change; the periodic reload of the other instances catches up.
 */
export async function announcePolicy(d: PolicyAdminDeps, what: 'permissions' | 'restrictions'): Promise<void> {
  await d.policy.reload();
  try {
    await d.policy.changed(what);
  } catch (err) {
    d.log.warn({ err: (err as Error).message, what }, 'policy change not announced; other instances reload on their timer');
  }
}

/** Permission edits rewrite who may call what at the gateway: superadmins only (issue 6), whatever the abilities file grants. */
export function mayEditPermissions(admin: Pick<User, 'role'>): boolean {
  return admin.role === 'superadmin';
}

export interface PermissionInput { role?: string; verb?: string; path?: string; action?: string; topic?: string }

// Permissions are stored as the gateway compares them: verb and action upper-cased, the path
// in the canonical form without a leading slash (a leading slash would never match).
const normalPath = (path: string) => path.trim().replace(/^\/+/, '');

/** The gateway permissions table (BARONG.md §2.11, §8.4, §16.2). */
export class PermissionsAdmin {
  constructor(private readonly d: PolicyAdminDeps) {}

  list(page: number, limit: number): Promise<{ total: number; rows: Permission[] }> {
    return adminPermissionsRepo.page(this.d.db, page, limit);
  }

  /** Barong's order: verb, then action, then the role must already exist in the table. */
  async create(admin: User, ctx: RequestContext, input: Required<Omit<PermissionInput, 'topic'>> & { topic?: string }): Promise<Permission> {
    this.authorize(admin);
    const fields: PermissionFields = {
      role: input.role, verb: input.verb.toUpperCase(), path: normalPath(input.path), action: input.action.toUpperCase(), topic: input.topic ?? null,
    };
    this.checkValues(fields);
    if (!(await permissionsRepo.roleExists(this.d.db, fields.role))) throw new AppError('admin.permission.role_doesnt_exist');
    const created = await adminPermissionsRepo.insert(this.d.db, fields);
    await announcePolicy(this.d, 'permissions');
    return created;
  }

  /**
   * Changes the given fields, upper-cased. As in Barong (§8.4) the verb and action lists are not
   * checked here (action `all` is stored as `ALL`; the gateway ignores a rule it cannot apply);
   * only the column lengths are.
   */
  async update(admin: User, ctx: RequestContext, id: number, patch: PermissionInput): Promise<Permission> {
    this.authorize(admin);
    const updated = await this.d.db.tx(async (q) => {
      const current = await adminPermissionsRepo.byId(q, id, true);
      if (!current) throw new AppError('admin.permission.doesnt_exist');
      const fields: PermissionFields = {
        role: patch.role ?? current.role,
        verb: (patch.verb ?? current.verb).toUpperCase(),
        path: patch.path !== undefined ? normalPath(patch.path) : current.path,
        action: (patch.action ?? current.action).toUpperCase(),
        topic: patch.topic ?? current.topic,
      };
      this.checkLengths(fields);
      return adminPermissionsRepo.update(q, id, fields);
    });
    await announcePolicy(this.d, 'permissions');
    return updated;
  }

  async remove(admin: User, ctx: RequestContext, id: number): Promise<void> {
    this.authorize(admin);
    if (!(await adminPermissionsRepo.delete(this.d.db, id))) throw new AppError('admin.permission.doesnt_exist');
    await announcePolicy(this.d, 'permissions');
  }

  private authorize(admin: User): void {
    if (!mayEditPermissions(admin)) throw new AppError('admin.ability.not_permitted');
  }

  private checkValues(f: PermissionFields): void {
    if (!(PERMISSION_VERBS as readonly string[]).includes(f.verb)) throw new AppError('admin.permissions.invalid_verb');
    if (!(PERMISSION_ACTIONS as readonly string[]).includes(f.action)) throw new AppError('admin.permissions.invalid_action');
    this.checkLengths(f);
  }

  private checkLengths(f: PermissionFields): void {
    // The columns are varchar(255): a longer value is a model error, not a database failure.
    const long = (['role', 'verb', 'path', 'action', 'topic'] as const).filter((k) => (f[k]?.length ?? 0) > 255).map((k) => `${k}.too_long`);
    if (long.length) throw new ModelError(long);
  }
}
