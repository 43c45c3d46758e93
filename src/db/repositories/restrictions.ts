import type { Queryable } from '../db.js';

export interface NewRestriction { category: string; scope: string; value: string; code: number | null; state: string }

export const restrictionsRepo = {
  /** Idempotent seed: an identical (scope, category, value) is skipped. */
  async ensure(q: Queryable, r: NewRestriction): Promise<void> {
    await q.query(
      `INSERT INTO restrictions (category, scope, value, code, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, category, value) DO NOTHING`,
      [r.category, r.scope, r.value, r.code, r.state],
    );
  },
};
