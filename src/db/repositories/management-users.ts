import type { Queryable } from '../db.js';
import { toUser, type UserRow } from './users.js';
import type { User } from '../../domain/users/user.js';

/** POST management/labels/filter/users (BARONG.md §9.2): users joined with matching labels. */
export interface LabelUserFilter { key: string; value?: string; scope?: string; range: 'created' | 'updated'; from?: number; to?: number }

export const managementUsersRepo = {
  async withLabel(q: Queryable, f: LabelUserFilter, page: number, limit: number): Promise<{ total: number; users: User[] }> {
    const params: unknown[] = [f.key];
    const where = ['l.key = $1'];
    if (f.value !== undefined) { params.push(f.value); where.push(`l.value = $${params.length}`); }
    if (f.scope !== undefined) { params.push(f.scope); where.push(`l.scope = $${params.length}`); }
    const column = f.range === 'updated' ? 'l.updated_at' : 'l.created_at';
    if (f.from !== undefined) { params.push(f.from); where.push(`${column} >= to_timestamp($${params.length})`); }
    if (f.to !== undefined) { params.push(f.to); where.push(`${column} < to_timestamp($${params.length})`); }
    const ids = `SELECT DISTINCT l.user_id FROM labels l WHERE ${where.join(' AND ')}`;
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${ids}) x`, params);
    const rows = await q.query<UserRow>(
      `SELECT u.* FROM users u WHERE u.id IN (${ids} ORDER BY l.user_id LIMIT ${limit} OFFSET ${(page - 1) * limit}) ORDER BY u.id`, params);
    return { total: n, users: rows.map(toUser) };
  },
};
