import type { Queryable } from '../db.js';

export interface NewRestriction { category: string; scope: string; value: string; code: number | null; state: string }

/** A rule as the gateway applies it (BARONG.md §11.3). */
export interface RestrictionRuleRow { category: string; scope: string; value: string; code: number | null }

export const restrictionsRepo = {
  /** The enabled rules in id order: what every instance holds in memory. */
  async enabledRules(q: Queryable): Promise<RestrictionRuleRow[]> {
    return q.query<RestrictionRuleRow>("SELECT category, scope, value, code FROM restrictions WHERE state = 'enabled' ORDER BY id");
  },
  /** An enabled whitelist rule for one IP (the whitelink); an existing one raises the unique violation. */
  async whitelistIp(q: Queryable, ip: string, code: number): Promise<void> {
    await q.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('whitelist', 'ip', $1, $2, 'enabled')", [ip, code]);
  },
  /** Idempotent seed: an identical (scope, category, value) is skipped. */
  async ensure(q: Queryable, r: NewRestriction): Promise<void> {
    await q.query(
      `INSERT INTO restrictions (category, scope, value, code, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, category, value) DO NOTHING`,
      [r.category, r.scope, r.value, r.code, r.state],
    );
  },
};
