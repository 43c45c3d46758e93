import type { Metrics } from './types.js';

export interface DayPoint { day: string; signups: number; logins: number; failed: number }
export interface MetricsSummary { points: DayPoint[]; totals: { signups: number; logins: number; failed: number }; pending: number }

const DAY_MS = 86_400_000;
/** Longest period drawn day by day. */
export const MAX_DAYS = 366;

/** `YYYY-MM-DD` of a time, in UTC (the API groups by UTC calendar day). */
export const isoDay = (t: number | Date): string => new Date(t).toISOString().slice(0, 10);

/** The default period: the last `days` days up to today (UTC). */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - (days - 1) * DAY_MS), to: isoDay(now) };
}

/** Every day from `from` to `to` inclusive (at most MAX_DAYS; empty when reversed or invalid). */
export function daysBetween(from: string, to: string): string[] {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return [];
  const out: string[] = [];
  for (let t = a; t <= b && out.length < MAX_DAYS; t += DAY_MS) out.push(isoDay(t));
  return out;
}

/**
 * One point per day of the period, zero where the API has no entry, so the charts show quiet
 * days instead of joining the busy ones. Reads both spellings of the login series.
 */
export function summarize(m: Metrics, from: string, to: string): MetricsSummary {
  const logins = m.successful_logins ?? m.sucessful_logins ?? {};
  const points = daysBetween(from, to).map((day) => ({
    day, signups: m.signups[day] ?? 0, logins: logins[day] ?? 0, failed: m.failed_logins[day] ?? 0,
  }));
  const sum = (k: 'signups' | 'logins' | 'failed') => points.reduce((n, p) => n + p[k], 0);
  return { points, totals: { signups: sum('signups'), logins: sum('logins'), failed: sum('failed') }, pending: m.pending_applications };
}
