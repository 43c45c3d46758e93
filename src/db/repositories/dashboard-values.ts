import type { Queryable } from '../db.js';

export const DASHBOARD_KEYS = ['rating', 'credit_rank', 'default_currency'] as const;
export type DashboardKey = (typeof DASHBOARD_KEYS)[number];

/** Per-user dashboard attributes set by operators (migrations/0012_nebeus.sql). */
export const dashboardValuesRepo = {
  async forUser(q: Queryable, userId: number): Promise<Partial<Record<DashboardKey, string>>> {
    const rows = await q.query<{ key: DashboardKey; value: string }>('SELECT key, value FROM dashboard_values WHERE user_id = $1', [userId]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  },
  async set(q: Queryable, userId: number, key: DashboardKey, value: string): Promise<void> {
    await q.query(
      `INSERT INTO dashboard_values (user_id, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [userId, key, value],
    );
  },
  async remove(q: Queryable, userId: number, key: DashboardKey): Promise<boolean> {
    return (await q.query('DELETE FROM dashboard_values WHERE user_id = $1 AND key = $2 RETURNING 1', [userId, key])).length > 0;
  },
};
