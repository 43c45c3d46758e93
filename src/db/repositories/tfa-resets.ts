import type { Queryable } from '../db.js';

/** A 2FA reset started with email and password (migrations/0008_nbc.sql). */
export interface TfaResetRecord { id: number; userId: number; expiresAt: Date; completedAt: Date | null }

interface Row { id: number | string; user_id: number | string; expires_at: Date | string; completed_at: Date | string | null }

export const tfaResetsRepo = {
  async insert(q: Queryable, r: { userId: number; tokenHash: string; expiresAt: Date }): Promise<void> {
    await q.query('INSERT INTO tfa_resets (user_id, token_hash, expires_at) VALUES ($1, $2, $3)', [r.userId, r.tokenHash, r.expiresAt.toISOString()]);
  },

  async lockByTokenHash(q: Queryable, tokenHash: string): Promise<TfaResetRecord | null> {
    const [r] = await q.query<Row>('SELECT id, user_id, expires_at, completed_at FROM tfa_resets WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
    return r ? { id: Number(r.id), userId: Number(r.user_id), expiresAt: new Date(r.expires_at), completedAt: r.completed_at === null ? null : new Date(r.completed_at) } : null;
  },

  async complete(q: Queryable, id: number, at: Date): Promise<boolean> {
    const rows = await q.query('UPDATE tfa_resets SET completed_at = $2 WHERE id = $1 AND completed_at IS NULL RETURNING id', [id, at.toISOString()]);
    return rows.length > 0;
  },
};
