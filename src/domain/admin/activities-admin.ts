import type { Queryable } from '../../db/db.js';
import { adminActivitiesRepo, type AdminActivityFilter, type AdminActivityRow } from '../../db/repositories/admin-activities.js';
import { adminUserRefsRepo, type UserRef } from '../../db/repositories/admin-user-refs.js';

export type { AdminActivityFilter } from '../../db/repositories/admin-activities.js';

export interface UserActivityItem { activity: AdminActivityRow; user: UserRef | null }
export interface AdminActivityItem { activity: AdminActivityRow; admin: UserRef | null; target: UserRef | null }

type Filter = Omit<AdminActivityFilter, 'category'>;

/**
 * The audit log for admins (BARONG.md §8.2, §18.3): user activities with their user, and admin
 * activities with the admin and the target user. One page of rows, then the users they name in
 * one query per kind, so a page costs three statements whatever its size.
 */
export class ActivitiesAdmin {
  constructor(private readonly db: Queryable) {}

  async userActivities(f: Filter, page: number, limit: number): Promise<{ total: number; items: UserActivityItem[] }> {
    const { total, rows } = await adminActivitiesRepo.page(this.db, { ...f, category: 'user' }, page, limit);
    const users = await adminUserRefsRepo.byIds(this.db, rows.map((r) => r.user_id));
    return { total, items: rows.map((activity) => ({ activity, user: users.get(activity.user_id) ?? null })) };
  }

  async adminActivities(f: Filter, page: number, limit: number): Promise<{ total: number; items: AdminActivityItem[] }> {
    const { total, rows } = await adminActivitiesRepo.page(this.db, { ...f, category: 'admin' }, page, limit);
    const [admins, targets] = await Promise.all([
      adminUserRefsRepo.byIds(this.db, rows.map((r) => r.user_id)),
      adminUserRefsRepo.byUids(this.db, rows.flatMap((r) => (r.target_uid ? [r.target_uid] : []))),
    ]);
    return {
      total,
      items: rows.map((activity) => ({
        activity, admin: admins.get(activity.user_id) ?? null, target: activity.target_uid ? targets.get(activity.target_uid) ?? null : null,
      })),
    };
  }
}
