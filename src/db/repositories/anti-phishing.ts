import type { Queryable } from '../db.js';

/** The sealed anti-phishing phrase on `users` (migration 0004). */
export const antiPhishingRepo = {
  async get(q: Queryable, userId: number): Promise<string | null> {
    const [r] = await q.query<{ sealed: string | null }>('SELECT anti_phishing_encrypted AS sealed FROM users WHERE id = $1', [userId]);
    return r?.sealed ?? null;
  },
  async set(q: Queryable, userId: number, sealed: string | null): Promise<void> {
    await q.query('UPDATE users SET anti_phishing_encrypted = $2 WHERE id = $1', [userId, sealed]);
  },
};
