import type { Queryable } from '../db.js';

export interface NewActivity {
  userId: number; category: 'user' | 'admin'; userIp: string; userIpCountry: string | null; userAgent: string;
  topic: string; action: string; result: 'succeed' | 'failed' | 'denied'; data: string | null; targetUid?: string | null;
}

export interface ActivityRow {
  id: number; user_ip: string; user_ip_country: string | null; user_agent: string; topic: string; action: string;
  result: string; data: string | null; created_at: Date;
}

export interface ActivityFilter { userId: number; topic?: string; timeFrom?: number; timeTo?: number; result?: string }

function where(f: ActivityFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.userId];
  const parts = ['user_id = $1'];
  if (f.topic) { params.push(f.topic); parts.push(`topic = $${params.length}`); }
  if (f.timeFrom !== undefined) { params.push(f.timeFrom); parts.push(`created_at >= to_timestamp($${params.length})`); }
  if (f.timeTo !== undefined) { params.push(f.timeTo); parts.push(`created_at < to_timestamp($${params.length})`); }
  if (f.result !== undefined) { params.push(f.result); parts.push(`result = $${params.length}`); }
  return { sql: parts.join(' AND '), params };
}

/**
 * The INSERT of one activity with its parameters numbered from `$first`, so another repository
 * can write it in the same statement as its own row (outboxRepo.insert).
 */
export function activityInsert(a: NewActivity, first = 1): { sql: string; params: unknown[] } {
  const params = [a.userId, a.targetUid ?? null, a.category, a.userIp, a.userIpCountry, a.userAgent.slice(0, 255), a.topic, a.action, a.result, a.data];
  const slots = params.map((_, i) => `$${first + i}`).join(', ');
  return {
    sql: `INSERT INTO activities (user_id, target_uid, category, user_ip, user_ip_country, user_agent, topic, action, result, data) VALUES (${slots})`,
    params,
  };
}

export const activitiesRepo = {
  async insert(q: Queryable, a: NewActivity): Promise<void> {
    const { sql, params } = activityInsert(a);
    await q.query(sql, params);
  },
  /**
   * Many rows in one statement, in order. A target uid that names no user is stored as NULL:
   * the gateway's admin audit takes it from request parameters, which anyone can write.
   */
  async insertMany(q: Queryable, rows: readonly NewActivity[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof NewActivity>(k: K, f: (v: NewActivity[K]) => unknown = (v) => v ?? null) => rows.map((r) => f(r[k]));
    await q.query(
      `INSERT INTO activities (user_id, target_uid, category, user_ip, user_ip_country, user_agent, topic, action, result, data)
       SELECT t.user_id, u.uid, t.category, t.user_ip, t.user_ip_country, t.user_agent, t.topic, t.action, t.result, t.data
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
              WITH ORDINALITY AS t(user_id, target_uid, category, user_ip, user_ip_country, user_agent, topic, action, result, data, n)
         LEFT JOIN users u ON u.uid = t.target_uid
        ORDER BY t.n`,
      [col('userId'), col('targetUid'), col('category'), col('userIp'), col('userIpCountry'), col('userAgent', (v) => v.slice(0, 255)),
        col('topic'), col('action'), col('result'), col('data')],
    );
  },
  async page(q: Queryable, f: ActivityFilter, page: number, limit: number): Promise<{ total: number; rows: ActivityRow[] }> {
    const w = where(f);
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM activities WHERE ${w.sql}`, w.params);
    const rows = await q.query<ActivityRow>(
      `SELECT id, user_ip, user_ip_country, user_agent, topic, action, result, data, created_at FROM activities
       WHERE ${w.sql} ORDER BY id DESC LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
      w.params,
    );
    return { total: n, rows };
  },
};
