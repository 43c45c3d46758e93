import type { Queryable } from '../../db/db.js';
import { activitiesRepo } from '../../db/repositories/activities.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { User } from '../users/user.js';

/** One admin write: who (the admin), on whom (target uid), what (topic, action), with which parameters. */
export interface AdminAction {
  targetUid: string | null;
  topic: string;
  action: string;
  params?: Record<string, unknown>;
}

/** An admin acting through the API: who, from where, and why (`reason`, when he gave one). */
export interface AdminActor { admin: User; ctx: RequestContext; reason?: string }

/** An actor whose writes to a user obey the superadmin protection of the front door (§8.0). */
export interface ProtectingActor extends AdminActor { protect: (target: User) => void }

/** Parameter names whose values never reach the audit log. */
const SECRET = /pass|secret|otp_code|totp|token|code$/i;

export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[k] = SECRET.test(k) ? '[redacted]' : v;
  }
  return out;
}

/**
 * Admin activities (category `admin`, BARONG.md §2.9, §18.2) for the writes of the admin API,
 * written in the transaction of the change when there is one: a change exists in the log if and
 * only if it was committed.
 */
export class AdminActivityLog {
  async record(q: Queryable, ctx: RequestContext, admin: User, a: AdminAction): Promise<void> {
    const params = a.params ? redactParams(a.params) : {};
    await activitiesRepo.insert(q, {
      userId: admin.id, category: 'admin', targetUid: a.targetUid, userIp: ctx.ip, userIpCountry: ctx.country ?? null, userAgent: ctx.userAgent,
      topic: a.topic, action: a.action, result: 'succeed', data: Object.keys(params).length ? JSON.stringify(params) : null,
    });
  }

  /** The same for an actor: his `reason`, when he gave one, is kept with the parameters. */
  recordBy(q: Queryable, who: AdminActor, a: AdminAction): Promise<void> {
    return this.record(q, who.ctx, who.admin, { ...a, params: { ...a.params, reason: who.reason } });
  }
}
