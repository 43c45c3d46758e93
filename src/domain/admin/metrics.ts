import type { Queryable } from '../../db/db.js';
import { adminMetricsRepo, type ActivityKind } from '../../db/repositories/admin-metrics.js';

const SIGNUPS: ActivityKind = { topic: 'account', actions: ['signup'], result: 'succeed' };
// A login with 2FA is recorded as `login::2fa` (§18.1); it is a successful login all the same.
const LOGINS: ActivityKind = { topic: 'session', actions: ['login', 'login::2fa'], result: 'succeed' };
const FAILED_LOGINS: ActivityKind = { topic: 'session', actions: ['login', 'login::2fa'], result: 'failed' };

export interface MetricsReport {
  signups: Record<string, number>;
  successful_logins: Record<string, number>;
  /** Barong's misspelling, kept for old clients (§20.2a #7). */
  sucessful_logins: Record<string, number>;
  failed_logins: Record<string, number>;
  pending_applications: number;
}

/**
 * A bound of `created_from`/`created_to`: unix seconds, a calendar date (UTC; a `to` date
 * includes the whole day) or an ISO 8601 time. Null when it is none of these.
 */
export function metricsBound(text: string, end: 'from' | 'to'): Date | null {
  const v = text.trim();
  if (/^\d{1,12}$/.test(v)) return new Date(Number(v) * 1000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const day = new Date(`${v}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== v) return null;
    return end === 'from' ? day : new Date(day.getTime() + 86_400_000 - 1);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) {
    const t = new Date(v);
    return Number.isNaN(t.getTime()) ? null : t;
  }
  return null;
}

const DAY = 86_400_000;

/**
 * Counts by day as a series: the days between the first and the last one with activity are all
 * there, quiet days with 0, as Barong's groupdate series were (charts need no gap handling).
 */
export function series(rows: readonly { day: string; n: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (rows.length === 0) return out;
  const counts = new Map(rows.map((r) => [r.day, r.n]));
  const last = Date.parse(`${rows[rows.length - 1].day}T00:00:00Z`);
  for (let t = Date.parse(`${rows[0].day}T00:00:00Z`); t <= last; t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    out[day] = counts.get(day) ?? 0;
  }
  return out;
}

/**
 * GET admin/metrics (BARONG.md §8.1): sign-ups and logins per UTC day inside the optional
 * period (Warden fix #7: the period is honoured), and the documents waiting for review now.
 */
export class AdminMetrics {
  constructor(private readonly db: Queryable) {}

  async report(period: { from?: Date; to?: Date }): Promise<MetricsReport> {
    const perDay = async (kind: ActivityKind) => series(await adminMetricsRepo.perDay(this.db, kind, period.from, period.to));
    const [signups, logins, failed, pending] = await Promise.all([
      perDay(SIGNUPS), perDay(LOGINS), perDay(FAILED_LOGINS), adminMetricsRepo.pendingApplications(this.db),
    ]);
    return { signups, successful_logins: logins, sucessful_logins: logins, failed_logins: failed, pending_applications: pending };
  }
}
