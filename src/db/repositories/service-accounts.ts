import type { Queryable } from '../db.js';

/**
 * A service account as the API sees it (BARONG.md §2.11). `level` and `state` are the
 * effective values: they mirror the owner (§16.4) unless the account itself was disabled,
 * so an owner's ban or level change reaches his service accounts without a cascade of writes.
 */
export interface ServiceAccount {
  id: number; uid: string; ownerId: number | null; ownerUid: string | null; email: string; role: string; level: number; state: string;
  createdAt: Date; updatedAt: Date;
}

interface Row {
  id: number | string; uid: string; owner_id: number | string | null; owner_uid: string | null; email: string; role: string;
  level: number; state: string; owner_level: number | null; owner_state: string | null; created_at: Date; updated_at: Date;
}

const SELECT = `SELECT sa.id, sa.uid, sa.owner_id, u.uid AS owner_uid, sa.email, sa.role, sa.level, sa.state,
  u.level AS owner_level, u.state AS owner_state, sa.created_at, sa.updated_at
  FROM service_accounts sa LEFT JOIN users u ON u.id = sa.owner_id`;

const toAccount = (r: Row): ServiceAccount => ({
  id: Number(r.id), uid: r.uid, ownerId: r.owner_id === null ? null : Number(r.owner_id), ownerUid: r.owner_uid, email: r.email, role: r.role,
  level: r.owner_level ?? r.level,
  state: r.state === 'disabled' ? 'disabled' : (r.owner_state ?? r.state),
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export interface NewServiceAccount { uid: string; ownerId: number | null; email: string; role: string; level: number; state: string }

export const serviceAccountsRepo = {
  async insert(q: Queryable, a: NewServiceAccount): Promise<ServiceAccount> {
    const [r] = await q.query<{ id: number | string }>(
      'INSERT INTO service_accounts (uid, owner_id, email, role, level, state) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [a.uid, a.ownerId, a.email, a.role, a.level, a.state],
    );
    return (await serviceAccountsRepo.byId(q, Number(r.id)))!;
  },
  async byId(q: Queryable, id: number): Promise<ServiceAccount | null> {
    const [r] = await q.query<Row>(`${SELECT} WHERE sa.id = $1`, [id]);
    return r ? toAccount(r) : null;
  },
  async byUid(q: Queryable, uid: string): Promise<ServiceAccount | null> {
    const [r] = await q.query<Row>(`${SELECT} WHERE sa.uid = $1`, [uid]);
    return r ? toAccount(r) : null;
  },
  async byEmail(q: Queryable, email: string): Promise<ServiceAccount | null> {
    const [r] = await q.query<Row>(`${SELECT} WHERE lower(sa.email) = lower($1)`, [email]);
    return r ? toAccount(r) : null;
  },
  /** The management API's writes (BARONG.md §9.2): a new owner (state and level copied), or a state. */
  async update(q: Queryable, id: number, f: { ownerId?: number; state?: string; level?: number }): Promise<void> {
    await q.query(
      `UPDATE service_accounts SET owner_id = COALESCE($2, owner_id), state = COALESCE($3, state), level = COALESCE($4, level), updated_at = now() WHERE id = $1`,
      [id, f.ownerId ?? null, f.state ?? null, f.level ?? null]);
  },
  async ofOwner(q: Queryable, ownerId: number): Promise<ServiceAccount[]> {
    const rows = await q.query<Row>(`${SELECT} WHERE sa.owner_id = $1 ORDER BY sa.id`, [ownerId]);
    return rows.map(toAccount);
  },
  async countOfOwner(q: Queryable, ownerId: number): Promise<number> {
    const [r] = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM service_accounts WHERE owner_id = $1', [ownerId]);
    return Number(r.n);
  },
  /** True when a user or a service account already has this uid or (case-insensitively) this email. */
  async identityTaken(q: Queryable, uid: string, email: string): Promise<boolean> {
    const rows = await q.query(
      `SELECT 1 FROM users WHERE uid = $1 OR lower(email) = lower($2)
       UNION ALL SELECT 1 FROM service_accounts WHERE uid = $1 OR lower(email) = lower($2) LIMIT 1`, [uid, email]);
    return rows.length > 0;
  },
  async delete(q: Queryable, id: number): Promise<void> {
    await q.query('DELETE FROM service_accounts WHERE id = $1', [id]);
  },
};
