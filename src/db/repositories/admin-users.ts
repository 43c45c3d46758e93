import type { Queryable } from '../db.js';
import type { User } from '../../domain/users/user.js';
import type { ProfileRecord } from './profiles.js';
import { toUser, type UserRow } from './users.js';

/** Columns an admin list may be ordered by: every users column but the password digest. */
export const USER_ORDER_COLUMNS = ['id', 'uid', 'username', 'email', 'role', 'data', 'level', 'otp', 'state', 'referral_id', 'created_at', 'updated_at'] as const;
export type UserOrderColumn = (typeof USER_ORDER_COLUMNS)[number];

/** The admin user filters (BARONG.md §8.7), already validated; names as blind indexes. */
export interface UserFilter {
  uid?: string; email?: string; role?: string; level?: number; state?: string;
  country?: string; firstNameIndex?: string; lastNameIndex?: string;
  range: 'created' | 'updated';
  /** Unix seconds, both inclusive (to the whole second, as Barong's second-precision columns). */
  from?: number; to?: number;
}

export interface UserOrder { column: UserOrderColumn; direction: 'asc' | 'desc' }


interface Where { users: string[]; profiles: string[] }

/** Conditions on `u` (users) and on one of his profiles `pr`; parameters are appended to `params`. */
function conditionsOf(f: UserFilter, params: unknown[]): Where {
  const users: string[] = [];
  const profiles: string[] = [];
  const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
  if (f.uid !== undefined) users.push(`u.uid = ${p(f.uid)}`);
  if (f.email !== undefined) users.push(`lower(u.email) = lower(${p(f.email)})`);
  if (f.role !== undefined) users.push(`u.role = ${p(f.role)}`);
  if (f.level !== undefined) users.push(`u.level = ${p(f.level)}`);
  if (f.state !== undefined) users.push(`u.state = ${p(f.state)}`);
  const col = f.range === 'updated' ? 'u.updated_at' : 'u.created_at';
  if (f.from !== undefined) users.push(`${col} >= to_timestamp(${p(f.from)})`);
  if (f.to !== undefined) users.push(`${col} < to_timestamp(${p(f.to)}::bigint + 1)`);
  // One profile must match every profile criterion (Barong joins profiles once).
  if (f.country !== undefined) profiles.push(`upper(pr.country) = upper(${p(f.country)})`);
  if (f.firstNameIndex !== undefined) profiles.push(`pr.first_name_index = ${p(f.firstNameIndex)}`);
  if (f.lastNameIndex !== undefined) profiles.push(`pr.last_name_index = ${p(f.lastNameIndex)}`);
  return { users, profiles };
}

function whereSql(w: Where): string {
  const parts = [...w.users];
  if (w.profiles.length) parts.push(`EXISTS (SELECT 1 FROM profiles pr WHERE pr.user_id = u.id AND ${w.profiles.join(' AND ')})`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/**
 * The total of a filtered list. With profile criteria only, counted on the profiles side (an
 * index scan there instead of a semi-join over every user; profiles.user_id always names a user).
 */
function countSql(w: Where): string {
  if (w.users.length === 0 && w.profiles.length) return `SELECT count(DISTINCT pr.user_id)::int AS n FROM profiles pr WHERE ${w.profiles.join(' AND ')}`;
  return `SELECT count(*)::int AS n FROM users u WHERE ${whereSql(w)}`;
}

function orderOf(o: UserOrder): string {
  if (!(USER_ORDER_COLUMNS as readonly string[]).includes(o.column)) throw new Error(`not an order column: ${o.column}`);
  const dir = o.direction === 'desc' ? 'DESC' : 'ASC';
  return o.column === 'id' ? `u.id ${dir}` : `u.${o.column} ${dir}, u.id ${dir}`;
}

export const adminUsersRepo = {
  /** GET admin/users: one page of distinct users and the total. */
  async page(q: Queryable, f: UserFilter, order: UserOrder, page: number, limit: number): Promise<{ total: number; users: User[] }> {
    const params: unknown[] = [];
    const w = conditionsOf(f, params);
    const [{ n }] = await q.query<{ n: number }>(countSql(w), params);
    const rows = await q.query<UserRow>(
      `SELECT u.* FROM users u WHERE ${whereSql(w)} ORDER BY ${orderOf(order)} LIMIT ${limit} OFFSET ${(page - 1) * limit}`, params);
    return { total: n, users: rows.map(toUser) };
  },

  /**
   * The document review queue: users whose private `document` label is pending or replaced,
   * matching the filter, by the label's last change (oldest first).
   */
  async pendingDocuments(q: Queryable, f: UserFilter, page: number, limit: number): Promise<{ total: number; users: User[] }> {
    const params: unknown[] = [];
    const where = whereSql(conditionsOf(f, params));
    const queue = "l.key = 'document' AND l.scope = 'private' AND l.value IN ('pending', 'replaced')";
    const from = `FROM labels l JOIN users u ON u.id = l.user_id WHERE ${queue} AND ${where}`;
    // Unfiltered, the queue is counted from its partial index alone (labels.user_id always names a user).
    const [{ n }] = await q.query<{ n: number }>(where === 'TRUE' ? `SELECT count(*)::int AS n FROM labels l WHERE ${queue}` : `SELECT count(*)::int AS n ${from}`, params);
    const rows = await q.query<UserRow>(`SELECT u.* ${from} ORDER BY l.updated_at, l.id LIMIT ${limit} OFFSET ${(page - 1) * limit}`, params);
    return { total: n, users: rows.map(toUser) };
  },

  /** GET admin/users/labels: users holding key=value in any scope, in id order. */
  async withLabel(q: Queryable, key: string, value: string, page: number, limit: number): Promise<{ total: number; users: User[] }> {
    const [{ n }] = await q.query<{ n: number }>('SELECT count(DISTINCT user_id)::int AS n FROM labels WHERE key = $1 AND value = $2', [key, value]);
    const rows = await q.query<UserRow>(
      `SELECT u.* FROM users u WHERE u.id IN (
         SELECT DISTINCT user_id FROM labels WHERE key = $1 AND value = $2 ORDER BY user_id LIMIT ${limit} OFFSET ${(page - 1) * limit})
       ORDER BY u.id`,
      [key, value],
    );
    return { total: n, users: rows.map(toUser) };
  },

  /** GET admin/users/labels/list: how many private labels carry each (key, value). */
  async privateLabelCounts(q: Queryable): Promise<{ key: string; value: string; n: number }[]> {
    return q.query<{ key: string; value: string; n: number }>(
      "SELECT key, value, count(*)::int AS n FROM labels WHERE scope = 'private' GROUP BY key, value ORDER BY key, value");
  },

  /** Profiles of several users at once (extended lists), oldest first. */
  async profilesOf(q: Queryable, userIds: readonly number[]): Promise<ProfileRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await q.query<ProfileRecord>('SELECT * FROM profiles WHERE user_id = ANY($1::bigint[]) ORDER BY id', [userIds]);
    return rows.map((r) => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), state: Number(r.state) }));
  },

  async uidsByIds(q: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
    const rows = await q.query<{ id: string; uid: string }>('SELECT id, uid FROM users WHERE id = ANY($1::bigint[])', [ids]);
    return new Map(rows.map((r) => [Number(r.id), r.uid]));
  },

  async updateEmail(q: Queryable, id: number, email: string): Promise<User> {
    const [r] = await q.query<UserRow>('UPDATE users SET email = $2, updated_at = now() WHERE id = $1 RETURNING *', [id, email]);
    return toUser(r);
  },
};
