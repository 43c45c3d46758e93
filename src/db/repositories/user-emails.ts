import type { Queryable } from '../db.js';

/** The one write usersRepo has no method for: a confirmed change of the login email. */
export const userEmailsRepo = {
  async change(q: Queryable, userId: number, email: string): Promise<void> {
    await q.query('UPDATE users SET email = $2, updated_at = now() WHERE id = $1', [userId, email]);
  },
};
