import type { QueryValue } from './http.js';

/** The admin user filters (BARONG.md §8.7) as the console's URL keeps them. */
export const USER_FILTERS = ['email', 'uid', 'role', 'state', 'level', 'country', 'first_name', 'last_name', 'range', 'from', 'to'] as const;
export type UserFilter = (typeof USER_FILTERS)[number];

export const SORTABLE = ['email', 'uid', 'role', 'level', 'state', 'created_at', 'updated_at'] as const;
export const PAGE_SIZES = [10, 25, 50, 100] as const;

export const KNOWN_ROLES = ['superadmin', 'admin', 'technical', 'accountant', 'compliance', 'support', 'member', 'trader', 'broker', 'maker'] as const;
export const USER_STATES = ['active', 'pending', 'banned', 'locked', 'deleted'] as const;

export interface ListState {
  filters: Partial<Record<UserFilter, string>>;
  page: number;
  limit: number;
  sort: { by: string; dir: 'asc' | 'desc' };
}

const posInt = (v: string | null, fallback: number, max = Infinity) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
};

/** The list's state from the page URL (filters, page, size, sort), with defaults. */
export function readListState(sp: URLSearchParams): ListState {
  const filters: ListState['filters'] = {};
  for (const f of USER_FILTERS) {
    const v = sp.get(f);
    if (v !== null && v.trim() !== '') filters[f] = v.trim();
  }
  const by = sp.get('order_by');
  return {
    filters,
    page: posInt(sp.get('page'), 1),
    limit: (PAGE_SIZES as readonly number[]).includes(Number(sp.get('limit'))) ? Number(sp.get('limit')) : 25,
    sort: { by: by && (SORTABLE as readonly string[]).includes(by) ? by : 'created_at', dir: sp.get('ordering') === 'asc' ? 'asc' : 'desc' },
  };
}

export function writeListState(s: ListState): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(s.filters)) if (v) sp.set(k, v);
  if (s.page > 1) sp.set('page', String(s.page));
  if (s.limit !== 25) sp.set('limit', String(s.limit));
  if (!(s.sort.by === 'created_at' && s.sort.dir === 'desc')) { sp.set('order_by', s.sort.by); sp.set('ordering', s.sort.dir); }
  return sp;
}

/** A calendar day (YYYY-MM-DD, UTC) as unix seconds: its first second, or its last for `to`. */
export function dayToUnix(day: string, end: 'from' | 'to'): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(t)) return undefined;
  return Math.floor(t / 1000) + (end === 'to' ? 86_399 : 0);
}

/** The `GET admin/users` parameters of a list state. */
export function usersQuery(s: ListState): Record<string, QueryValue> {
  const { from, to, ...rest } = s.filters;
  return {
    ...rest,
    from: from ? dayToUnix(from, 'from') : undefined,
    to: to ? dayToUnix(to, 'to') : undefined,
    page: s.page,
    limit: s.limit,
    order_by: s.sort.by,
    ordering: s.sort.dir,
  };
}
