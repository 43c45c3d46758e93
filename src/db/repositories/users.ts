import type { Queryable } from '../db.js';
import type { User } from '../../domain/users/user.js';

/** A `users` row as the driver returns it; shared with the admin list queries. */
export interface UserRow {
  id: number; uid: string; username: string | null; email: string; password_digest: string; role: string;
  data: string | null; level: number; otp: boolean; state: string; referral_id: number | null; created_at: Date; updated_at: Date;
}

export const toUser = (r: UserRow): User => ({
  id: Number(r.id), uid: r.uid, username: r.username, email: r.email, passwordDigest: r.password_digest, role: r.role,
  data: r.data, level: r.level, otp: r.otp, state: r.state, referralId: r.referral_id === null ? null : Number(r.referral_id),
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** The caller's columns the gateway keeps in memory. */
export interface SnapshotRow { id: number; uid: string; username: string | null; email: string; referral_id: number | null; role: string; level: number; state: string; otp: boolean }

export interface NewUser {
  uid: string; username: string | null; email: string; passwordDigest: string; role: string; data: string | null;
  state: string; referralId: number | null;
}

export const usersRepo = {
  async byEmail(q: Queryable, email: string): Promise<User | null> {
    const [r] = await q.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email.trim()]);
    return r ? toUser(r) : null;
  },
  /** The few columns the gateway needs about a caller (UserSnapshots). */
  async snapshotRow(q: Queryable, uid: string): Promise<SnapshotRow | null> {
    const [row] = await q.query<SnapshotRow>('SELECT id, uid, username, email, referral_id, role, level, state, otp FROM users WHERE uid = $1', [uid]);
    return row ?? null;
  },
  async uidOf(q: Queryable, id: number): Promise<string | null> {
    const [row] = await q.query<{ uid: string }>('SELECT uid FROM users WHERE id = $1', [id]);
    return row?.uid ?? null;
  },
  async byUid(q: Queryable, uid: string): Promise<User | null> {
    const [r] = await q.query<UserRow>('SELECT * FROM users WHERE uid = $1', [uid]);
    return r ? toUser(r) : null;
  },
  async byId(q: Queryable, id: number): Promise<User | null> {
    const [r] = await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return r ? toUser(r) : null;
  },
  /** Locks the row for the rest of the transaction (state/level recomputation, password change). */
  async lockById(q: Queryable, id: number): Promise<User | null> {
    const [r] = await q.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id]);
    return r ? toUser(r) : null;
  },
  async uidById(q: Queryable, id: number): Promise<string | null> {
    const [r] = await q.query<{ uid: string }>('SELECT uid FROM users WHERE id = $1', [id]);
    return r?.uid ?? null;
  },
  async emailTaken(q: Queryable, email: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email])).length > 0;
  },
  async usernameTaken(q: Queryable, username: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM users WHERE username = $1', [username])).length > 0;
  },
  async uidTaken(q: Queryable, uid: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM users WHERE uid = $1', [uid])).length > 0;
  },
  async count(q: Queryable): Promise<number> {
    const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return r.n;
  },
  async insert(q: Queryable, u: NewUser): Promise<User> {
    const [r] = await q.query<UserRow>(
      `INSERT INTO users (uid, username, email, password_digest, role, data, state, referral_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [u.uid, u.username, u.email, u.passwordDigest, u.role, u.data, u.state, u.referralId],
    );
    return toUser(r);
  },
  async update(q: Queryable, id: number, fields: Partial<Pick<User, 'passwordDigest' | 'role' | 'data' | 'level' | 'otp' | 'state'>>): Promise<User> {
    const columns: Record<string, string> = { passwordDigest: 'password_digest', role: 'role', data: 'data', level: 'level', otp: 'otp', state: 'state' };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      values.push(v);
      sets.push(`${columns[k]} = $${values.length}`);
    }
    values.push(id);
    const [r] = await q.query<UserRow>(`UPDATE users SET ${sets.join(', ')}, updated_at = now() WHERE id = $${values.length} RETURNING *`, values);
    return toUser(r);
  },
};
