import type { Queryable } from '../../db/db.js';
import { activitiesRepo, type NewActivity } from '../../db/repositories/activities.js';

export interface RequestContext { ip: string; userAgent: string; country?: string | null }

export interface ActivityInput {
  userId: number; topic: string; action: string; result: 'succeed' | 'failed' | 'denied'; reason?: string;
}

const KNOWN_BROWSER = /(Mozilla|Chrome|Chromium|Safari|Firefox|Opera|OPR|Edg|Trident|MSIE|SamsungBrowser|YaBrowser)\//;

/**
 * The user audit log (BARONG.md §18.1). Unlike Barong, a request without a User-Agent is still
 * recorded (an audit log must not have holes an attacker can choose); it is marked suspicious.
 */
export class ActivityLog {
  async record(q: Queryable, ctx: RequestContext, a: ActivityInput): Promise<void> {
    await activitiesRepo.insert(q, this.entry(ctx, a));
  }

  /** The row `record` would write, for a caller that writes it with something else (EventLog.emitWithActivity). */
  entry(ctx: RequestContext, a: ActivityInput): NewActivity {
    const data: Record<string, string> = {};
    if (a.reason) data.reason = a.reason;
    if (!KNOWN_BROWSER.test(ctx.userAgent)) data.note = 'Detected suspicious browser';
    return {
      userId: a.userId, category: 'user', userIp: ctx.ip, userIpCountry: ctx.country ?? null, userAgent: ctx.userAgent,
      topic: a.topic, action: a.action, result: a.result, data: Object.keys(data).length ? JSON.stringify(data) : null,
    };
  }
}
