import type { Queryable } from '../db.js';

export const outboxRepo = {
  async insert(q: Queryable, name: string, payload: object, mail: boolean): Promise<number> {
    const [r] = await q.query<{ id: number }>(
      'INSERT INTO outbox (name, payload, mail_status) VALUES ($1, $2, $3) RETURNING id',
      [name, JSON.stringify(payload), mail ? 'pending' : 'none'],
    );
    return Number(r.id);
  },
};
