import type { Queryable } from '../db.js';

/** A sign-up whose email was confirmed by code (migrations/0008_nbc.sql). */
export interface RegistrationRecord { id: number; email: string; userId: number | null; expiresAt: Date }

interface Row { id: number | string; email: string; user_id: number | string | null; expires_at: Date | string }

const toRecord = (r: Row): RegistrationRecord => ({
  id: Number(r.id), email: r.email, userId: r.user_id === null ? null : Number(r.user_id), expiresAt: new Date(r.expires_at),
});

export const registrationsRepo = {
  async insert(q: Queryable, r: { email: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await q.query('INSERT INTO registrations (email, token_hash, expires_at) VALUES ($1, $2, $3)', [r.email, r.tokenHash, r.expiresAt.toISOString()]);
  },

  async byTokenHash(q: Queryable, tokenHash: string, lock = false): Promise<RegistrationRecord | null> {
    const [r] = await q.query<Row>(`SELECT id, email, user_id, expires_at FROM registrations WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`, [tokenHash]);
    return r ? toRecord(r) : null;
  },

  async attachUser(q: Queryable, id: number, userId: number): Promise<boolean> {
    const rows = await q.query('UPDATE registrations SET user_id = $2 WHERE id = $1 AND user_id IS NULL RETURNING id', [id, userId]);
    return rows.length > 0;
  },

  /** Whether the user was created by a step-by-step sign-up (its email step is then done). */
  async existsForUser(q: Queryable, userId: number): Promise<boolean> {
    return (await q.query('SELECT 1 FROM registrations WHERE user_id = $1', [userId])).length > 0;
  },
};
