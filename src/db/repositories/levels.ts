import type { Queryable } from '../db.js';

export interface Level { id: number; key: string; value: string; description: string }

export const levelsRepo = {
  async all(q: Queryable): Promise<Level[]> {
    return q.query<Level>('SELECT id, key, value, description FROM levels ORDER BY id');
  },
  /** Seeds are idempotent: an existing (key, value) is left alone. */
  async ensure(q: Queryable, key: string, value: string, description: string): Promise<void> {
    await q.query('INSERT INTO levels (key, value, description) VALUES ($1, $2, $3) ON CONFLICT (key, value) DO NOTHING', [key, value, description]);
  },
};
