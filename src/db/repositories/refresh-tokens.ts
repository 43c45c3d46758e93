import type { Queryable } from '../db.js';

/** One signed-in device: the `sid` of its access tokens (migrations/0008_nbc.sql). */
export interface TokenFamily {
  id: string; userId: number; passwordFingerprint: string; expiresAt: Date; revokedAt: Date | null; revokeReason: string | null; createdAt: Date;
}

/** A stored refresh token with its family, as a rotation reads it. */
export interface StoredRefreshToken { id: number; rotatedAt: Date | null; family: TokenFamily }

interface FamilyRow {
  id: string; user_id: number | string; password_fingerprint: string; expires_at: Date | string; revoked_at: Date | string | null;
  revoke_reason: string | null; created_at: Date | string;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const toFamily = (r: FamilyRow): TokenFamily => ({
  id: r.id, userId: Number(r.user_id), passwordFingerprint: r.password_fingerprint, expiresAt: new Date(r.expires_at),
  revokedAt: date(r.revoked_at), revokeReason: r.revoke_reason, createdAt: new Date(r.created_at),
});

export const refreshTokensRepo = {
  async insertFamily(q: Queryable, f: { id: string; userId: number; passwordFingerprint: string; userIp: string; userAgent: string; expiresAt: Date }): Promise<void> {
    await q.query(
      `INSERT INTO refresh_token_families (id, user_id, password_fingerprint, user_ip, user_agent, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [f.id, f.userId, f.passwordFingerprint, f.userIp.slice(0, 255), f.userAgent.slice(0, 1024), f.expiresAt.toISOString()],
    );
  },

  async family(q: Queryable, id: string): Promise<TokenFamily | null> {
    const [r] = await q.query<FamilyRow>('SELECT * FROM refresh_token_families WHERE id = $1', [id]);
    return r ? toFamily(r) : null;
  },

  async insertToken(q: Queryable, familyId: string, tokenHash: string): Promise<void> {
    await q.query('INSERT INTO refresh_tokens (family_id, token_hash) VALUES ($1, $2)', [familyId, tokenHash]);
  },

  /** The token and its family, both locked until the transaction ends (one rotation at a time). */
  async lockByHash(q: Queryable, tokenHash: string): Promise<StoredRefreshToken | null> {
    const [r] = await q.query<FamilyRow & { token_id: number | string; rotated_at: Date | string | null }>(
      `SELECT f.*, t.id AS token_id, t.rotated_at FROM refresh_tokens t JOIN refresh_token_families f ON f.id = t.family_id
        WHERE t.token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    return r ? { id: Number(r.token_id), rotatedAt: date(r.rotated_at), family: toFamily(r) } : null;
  },

  async familyByHash(q: Queryable, tokenHash: string): Promise<TokenFamily | null> {
    const [r] = await q.query<FamilyRow>(
      'SELECT f.* FROM refresh_tokens t JOIN refresh_token_families f ON f.id = t.family_id WHERE t.token_hash = $1', [tokenHash]);
    return r ? toFamily(r) : null;
  },

  async markRotated(q: Queryable, tokenId: number, at: Date): Promise<boolean> {
    const rows = await q.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL RETURNING id', [tokenId, at.toISOString()]);
    return rows.length > 0;
  },

  /** True when this call revoked it (false: unknown or already revoked). */
  async revokeFamily(q: Queryable, id: string, reason: string, at: Date): Promise<boolean> {
    const rows = await q.query(
      'UPDATE refresh_token_families SET revoked_at = $3, revoke_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [id, reason, at.toISOString()],
    );
    return rows.length > 0;
  },

  /** The password of the user changed on this device: its family stays valid. */
  async updateFingerprint(q: Queryable, id: string, passwordFingerprint: string): Promise<void> {
    await q.query('UPDATE refresh_token_families SET password_fingerprint = $2 WHERE id = $1', [id, passwordFingerprint]);
  },

  /** Revokes every live family of the user (except `keepId`); returns how many. */
  async revokeAllFor(q: Queryable, userId: number, reason: string, at: Date, keepId?: string): Promise<number> {
    const rows = await q.query(
      `UPDATE refresh_token_families SET revoked_at = $3, revoke_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::text IS NULL OR id <> $4) RETURNING id`,
      [userId, reason, at.toISOString(), keepId ?? null],
    );
    return rows.length;
  },

  /** Revokes every live family of every user (a blocklogin restriction); returns how many. */
  async revokeEveryone(q: Queryable, reason: string, at: Date): Promise<number> {
    const [{ n }] = await q.query<{ n: number }>(
      `WITH revoked AS (UPDATE refresh_token_families SET revoked_at = $2, revoke_reason = $1 WHERE revoked_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM revoked`,
      [reason, at.toISOString()],
    );
    return n;
  },
};
