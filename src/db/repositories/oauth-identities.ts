import type { Queryable } from '../db.js';

/** A provider account linked to a user (migrations/0009_oauth.sql). */
export interface OAuthIdentity { id: number; userId: number; provider: string; subject: string; email: string | null; createdAt: Date }

interface Row { id: number | string; user_id: number | string; provider: string; subject: string; email: string | null; created_at: Date | string }

const toIdentity = (r: Row): OAuthIdentity => ({
  id: Number(r.id), userId: Number(r.user_id), provider: r.provider, subject: r.subject, email: r.email, createdAt: new Date(r.created_at),
});

const COLUMNS = 'id, user_id, provider, subject, email, created_at';

export const oauthIdentitiesRepo = {
  async find(q: Queryable, provider: string, subject: string): Promise<OAuthIdentity | null> {
    const [r] = await q.query<Row>(`SELECT ${COLUMNS} FROM oauth_identities WHERE provider = $1 AND subject = $2`, [provider, subject]);
    return r ? toIdentity(r) : null;
  },
  async forUser(q: Queryable, userId: number): Promise<OAuthIdentity[]> {
    const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM oauth_identities WHERE user_id = $1 ORDER BY provider`, [userId]);
    return rows.map(toIdentity);
  },
  /** Unique violations (the provider account or the user's slot for the provider is taken) propagate. */
  async insert(q: Queryable, i: { userId: number; provider: string; subject: string; email: string | null }): Promise<OAuthIdentity> {
    const [r] = await q.query<Row>(
      `INSERT INTO oauth_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [i.userId, i.provider, i.subject, i.email],
    );
    return toIdentity(r);
  },
  async remove(q: Queryable, userId: number, provider: string): Promise<boolean> {
    return (await q.query('DELETE FROM oauth_identities WHERE user_id = $1 AND provider = $2 RETURNING id', [userId, provider])).length > 0;
  },
};
