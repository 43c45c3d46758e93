import type { Queryable } from '../db.js';

/** A user's TOTP secret, still sealed (BARONG.md §14); `lastUsedStep` guards against replays. */
export interface OtpSecretRecord { userId: number; secretEncrypted: string; lastUsedStep: number | null }

interface SecretRow { user_id: number | string; secret_encrypted: string; last_used_step: number | string | null }

const toSecret = (r: SecretRow): OtpSecretRecord => ({
  userId: Number(r.user_id), secretEncrypted: r.secret_encrypted, lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
});

export const otpSecretsRepo = {
  async forUser(q: Queryable, userId: number): Promise<OtpSecretRecord | null> {
    const [r] = await q.query<SecretRow>('SELECT user_id, secret_encrypted, last_used_step FROM otp_secrets WHERE user_id = $1', [userId]);
    return r ? toSecret(r) : null;
  },
  /** Creates or replaces the user's secret; a new secret starts with no used step. */
  async put(q: Queryable, userId: number, secretEncrypted: string): Promise<void> {
    await q.query(
      `INSERT INTO otp_secrets (user_id, secret_encrypted) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, last_used_step = NULL, updated_at = now()`,
      [userId, secretEncrypted],
    );
  },
  /**
   * Records `step` as used when it is later than every step used before. One statement, so two
   * instances racing with the same code cannot both win: true for exactly one of them.
   */
  async useStep(q: Queryable, userId: number, step: number): Promise<boolean> {
    const rows = await q.query(
      `UPDATE otp_secrets SET last_used_step = $2, updated_at = now()
       WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
      [userId, step],
    );
    return rows.length > 0;
  },
  async remove(q: Queryable, userId: number): Promise<void> {
    await q.query('DELETE FROM otp_secrets WHERE user_id = $1', [userId]);
  },
};

export interface RecoveryCodeRecord { id: number; codeHash: string }

export const otpRecoveryCodesRepo = {
  /** Drops the user's codes (used or not) and stores the new hashes. */
  async replace(q: Queryable, userId: number, hashes: readonly string[]): Promise<void> {
    await q.query('DELETE FROM otp_recovery_codes WHERE user_id = $1', [userId]);
    if (hashes.length === 0) return;
    const values = hashes.map((_, i) => `($1, $${i + 2})`).join(', ');
    await q.query(`INSERT INTO otp_recovery_codes (user_id, code_hash) VALUES ${values}`, [userId, ...hashes]);
  },
  async unused(q: Queryable, userId: number): Promise<RecoveryCodeRecord[]> {
    const rows = await q.query<{ id: number | string; code_hash: string }>(
      'SELECT id, code_hash FROM otp_recovery_codes WHERE user_id = $1 AND used_at IS NULL ORDER BY id', [userId]);
    return rows.map((r) => ({ id: Number(r.id), codeHash: r.code_hash }));
  },
  /** Marks one code used; false when another request used it first (single use under races). */
  async consume(q: Queryable, id: number, at: Date): Promise<boolean> {
    return (await q.query('UPDATE otp_recovery_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id', [id, at])).length > 0;
  },
  async remove(q: Queryable, userId: number): Promise<void> {
    await q.query('DELETE FROM otp_recovery_codes WHERE user_id = $1', [userId]);
  },
};
