import type { Queryable } from '../db.js';

export interface PhoneRecord {
  id: number;
  user_id: number;
  country: string;
  number_encrypted: string;
  /** Blind index of the digits (pii.blindIndex). */
  number_index: string;
  channel: string;
  code_digest: string | null;
  code_expires_at: Date | null;
  code_attempts: number;
  validated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: PhoneRecord): PhoneRecord => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), code_attempts: Number(r.code_attempts) });

export interface NewCode { digest: string | null; expiresAt: Date | null; channel: string }

export const phonesRepo = {
  async forUser(q: Queryable, userId: number): Promise<PhoneRecord[]> {
    return (await q.query<PhoneRecord>('SELECT * FROM phones WHERE user_id = $1 ORDER BY id', [userId])).map(toRecord);
  },
  async ownByIndex(q: Queryable, userId: number, index: string): Promise<PhoneRecord | null> {
    const [r] = await q.query<PhoneRecord>('SELECT * FROM phones WHERE user_id = $1 AND number_index = $2', [userId, index]);
    return r ? toRecord(r) : null;
  },
  /** Whether any user has verified this number. */
  async verifiedExists(q: Queryable, index: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM phones WHERE number_index = $1 AND validated_at IS NOT NULL', [index])).length > 0;
  },
  /** Ids of users holding the number (verified or not), for admin lookups. */
  async userIdsByIndex(q: Queryable, index: string): Promise<number[]> {
    return (await q.query<{ user_id: string }>('SELECT DISTINCT user_id FROM phones WHERE number_index = $1 ORDER BY user_id', [index])).map((r) => Number(r.user_id));
  },
  async insert(q: Queryable, p: { userId: number; country: string; numberEncrypted: string; numberIndex: string } & NewCode): Promise<PhoneRecord> {
    const [r] = await q.query<PhoneRecord>(
      `INSERT INTO phones (user_id, country, number_encrypted, number_index, code_digest, code_expires_at, code_attempts, channel)
       VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING *`,
      [p.userId, p.country, p.numberEncrypted, p.numberIndex, p.digest, p.expiresAt, p.channel],
    );
    return toRecord(r);
  },
  /** A fresh code: the old one stops working and the attempt count restarts. */
  async newCode(q: Queryable, id: number, c: NewCode): Promise<void> {
    await q.query(
      'UPDATE phones SET code_digest = $2, code_expires_at = $3, code_attempts = 0, channel = $4, updated_at = now() WHERE id = $1',
      [id, c.digest, c.expiresAt, c.channel],
    );
  },
  /**
   * Spends one attempt on the pending code, atomically: null when there is none left to spend
   * (already verified, no code sent, expired, or `maxAttempts` used), else the stored digest.
   */
  async spendAttempt(q: Queryable, id: number, now: Date, maxAttempts: number): Promise<{ digest: string | null } | null> {
    const [r] = await q.query<{ code_digest: string | null }>(
      `UPDATE phones SET code_attempts = code_attempts + 1
       WHERE id = $1 AND validated_at IS NULL AND code_expires_at > $2 AND code_attempts < $3
       RETURNING code_digest`,
      [id, now, maxAttempts],
    );
    return r ? { digest: r.code_digest } : null;
  },
  async removeById(q: Queryable, id: number): Promise<void> {
    await q.query('DELETE FROM phones WHERE id = $1', [id]);
  },
  /** Marks the number verified and forgets the code; false when it already was. */
  async markVerified(q: Queryable, id: number, at: Date): Promise<boolean> {
    const rows = await q.query(
      `UPDATE phones SET validated_at = $2, code_digest = NULL, code_expires_at = NULL, code_attempts = 0, updated_at = now()
       WHERE id = $1 AND validated_at IS NULL RETURNING id`,
      [id, at],
    );
    return rows.length > 0;
  },
};
