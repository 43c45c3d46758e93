import type { Queryable } from '../db.js';

/** Which user activities a metric counts (BARONG.md §8.1). */
export interface ActivityKind { topic: string; actions: readonly string[]; result: string }

export const adminMetricsRepo = {
  /**
   * Count per UTC calendar day of one kind of user activity in [from, to] (either bound
   * optional), oldest day first. Served by the partial metrics index of 0011.
   */
  async perDay(q: Queryable, kind: ActivityKind, from?: Date, to?: Date): Promise<{ day: string; n: number }[]> {
    const params: unknown[] = [kind.topic, [...kind.actions], kind.result];
    let where = "category = 'user' AND topic = $1 AND action = ANY($2::text[]) AND result = $3";
    if (from) { params.push(from); where += ` AND created_at >= $${params.length}`; }
    if (to) { params.push(to); where += ` AND created_at <= $${params.length}`; }
    // Grouped on the date value (cheap per row), formatted once per day.
    return q.query<{ day: string; n: number }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day, n FROM (
         SELECT (created_at AT TIME ZONE 'UTC')::date AS d, count(*)::int AS n FROM activities WHERE ${where} GROUP BY 1
       ) per_day ORDER BY d`,
      params,
    );
  },
  /** Private `document` labels waiting for review (`document=pending`). */
  async pendingApplications(q: Queryable): Promise<number> {
    const [{ n }] = await q.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM labels WHERE key = 'document' AND value = 'pending' AND scope = 'private'");
    return n;
  },
};
