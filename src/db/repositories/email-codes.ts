import type { Queryable } from '../db.js';

/** A live emailed code (migrations/0008_nbc.sql); the code itself is only known as an HMAC. */
export interface EmailCodeRecord {
  id: number; purpose: string; email: string; userId: number | null; codeHash: string; newValue: string | null;
  attempts: number; expiresAt: Date;
}

interface Row {
  id: number | string; purpose: string; email: string; user_id: number | string | null; code_hash: string; new_value: string | null;
  attempts: number; expires_at: Date | string;
}

const toRecord = (r: Row): EmailCodeRecord => ({
  id: Number(r.id), purpose: r.purpose, email: r.email, userId: r.user_id === null ? null : Number(r.user_id), codeHash: r.code_hash,
  newValue: r.new_value, attempts: Number(r.attempts), expiresAt: new Date(r.expires_at),
});

export const emailCodesRepo = {
  /** Issues a code: earlier unused codes of the same purpose and address stop working. */
  async replace(q: Queryable, c: { purpose: string; email: string; userId: number | null; codeHash: string; newValue: string | null; expiresAt: Date }): Promise<void> {
    await q.query('DELETE FROM email_codes WHERE purpose = $1 AND lower(email) = lower($2) AND used_at IS NULL', [c.purpose, c.email]);
    await q.query(
      `INSERT INTO email_codes (purpose, email, user_id, code_hash, new_value, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.purpose, c.email, c.userId, c.codeHash, c.newValue, c.expiresAt.toISOString()],
    );
  },

  /** The unused code of (purpose, address), locked until the transaction ends. */
  async lockLive(q: Queryable, purpose: string, email: string): Promise<EmailCodeRecord | null> {
    const [r] = await q.query<Row>(
      `SELECT * FROM email_codes WHERE purpose = $1 AND lower(email) = lower($2) AND used_at IS NULL
        ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [purpose, email],
    );
    return r ? toRecord(r) : null;
  },

  async countAttempt(q: Queryable, id: number): Promise<number> {
    const [r] = await q.query<{ attempts: number }>('UPDATE email_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts', [id]);
    return Number(r?.attempts ?? 0);
  },

  async markUsed(q: Queryable, id: number, at: Date): Promise<boolean> {
    const rows = await q.query('UPDATE email_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id', [id, at.toISOString()]);
    return rows.length > 0;
  },

  /** Drops the unused codes of a user (password recovery ends what was pending). */
  async discardFor(q: Queryable, purpose: string, email: string): Promise<void> {
    await q.query('DELETE FROM email_codes WHERE purpose = $1 AND lower(email) = lower($2) AND used_at IS NULL', [purpose, email]);
  },
};
