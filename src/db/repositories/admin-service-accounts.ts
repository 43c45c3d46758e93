import type { Queryable } from '../db.js';
import type { ServiceAccount } from './service-accounts.js';

interface Row {
  id: number | string; uid: string; owner_id: number | string | null; owner_uid: string | null; email: string; role: string;
  level: number; state: string; owner_level: number | null; owner_state: string | null; created_at: Date; updated_at: Date;
}

// The effective level and state mirror the owner unless the account itself was disabled, as
// serviceAccountsRepo reads them (BARONG.md §16.4).
const toAccount = (r: Row): ServiceAccount => ({
  id: Number(r.id), uid: r.uid, ownerId: r.owner_id === null ? null : Number(r.owner_id), ownerUid: r.owner_uid, email: r.email, role: r.role,
  level: r.owner_level ?? r.level,
  state: r.state === 'disabled' ? 'disabled' : (r.owner_state ?? r.state),
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** Service accounts for the admin API: all, or one owner's, in id order. */
export const adminServiceAccountsRepo = {
  async page(q: Queryable, ownerId: number | null, page: number, limit: number): Promise<{ total: number; rows: ServiceAccount[] }> {
    const where = ownerId === null ? '' : 'WHERE sa.owner_id = $1';
    const params = ownerId === null ? [] : [ownerId];
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM service_accounts sa ${where}`, params);
    const rows = await q.query<Row>(
      `SELECT sa.id, sa.uid, sa.owner_id, u.uid AS owner_uid, sa.email, sa.role, sa.level, sa.state,
         u.level AS owner_level, u.state AS owner_state, sa.created_at, sa.updated_at
       FROM service_accounts sa LEFT JOIN users u ON u.id = sa.owner_id ${where}
       ORDER BY sa.id LIMIT ${limit} OFFSET ${(page - 1) * limit}`, params);
    return { total: n, rows: rows.map(toAccount) };
  },
};
