import type { Queryable } from '../db.js';
import { unixBound } from './admin-user-refs.js';
import type { ActivityRow } from './activities.js';

/** Filters of GET admin/activities and admin/activities/admin (BARONG.md §8.2), already validated. */
export interface AdminActivityFilter {
  category: 'user' | 'admin';
  topic?: string; action?: string;
  /** The actor (the user, or the admin of an admin row), by uid or email. */
  uid?: string; email?: string;
  targetUid?: string;
  /** Unix seconds on created_at, both inclusive (to the whole second). */
  from?: number; to?: number;
}

export interface AdminActivityRow extends ActivityRow { user_id: number; target_uid: string | null }

function whereOf(f: AdminActivityFilter, params: unknown[]): string {
  const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
  const parts = [`a.category = ${p(f.category)}`];
  if (f.topic !== undefined) parts.push(`a.topic = ${p(f.topic)}`);
  if (f.action !== undefined) parts.push(`a.action = ${p(f.action)}`);
  // The actor is resolved first (unique indexes), so the (user_id, id DESC) index serves the page.
  if (f.uid !== undefined) parts.push(`a.user_id = (SELECT id FROM users WHERE uid = ${p(f.uid)})`);
  if (f.email !== undefined) parts.push(`a.user_id = (SELECT id FROM users WHERE lower(email) = lower(${p(f.email)}))`);
  if (f.targetUid !== undefined) parts.push(`a.target_uid = ${p(f.targetUid)}`);
  if (f.from !== undefined) parts.push(`a.created_at >= to_timestamp(${p(unixBound(f.from))})`);
  if (f.to !== undefined) parts.push(`a.created_at < to_timestamp(${p(unixBound(f.to))}::bigint + 1)`);
  return parts.join(' AND ');
}

export const adminActivitiesRepo = {
  /** One page, newest first, and the total. */
  async page(q: Queryable, f: AdminActivityFilter, page: number, limit: number): Promise<{ total: number; rows: AdminActivityRow[] }> {
    const params: unknown[] = [];
    const where = whereOf(f, params);
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM activities a WHERE ${where}`, params);
    if (n === 0) return { total: 0, rows: [] };
    const rows = await q.query<AdminActivityRow>(
      `SELECT a.id, a.user_id, a.target_uid, a.user_ip, a.user_ip_country, a.user_agent, a.topic, a.action, a.result, a.data, a.created_at
       FROM activities a WHERE ${where} ORDER BY a.id DESC LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
      params,
    );
    return { total: n, rows: rows.map((r) => ({ ...r, id: Number(r.id), user_id: Number(r.user_id) })) };
  },
};
