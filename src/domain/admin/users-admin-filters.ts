import { USER_ORDER_COLUMNS, type UserFilter, type UserOrder, type UserOrderColumn } from '../../db/repositories/admin-users.js';

/** The user filter parameters of the admin lists (BARONG.md §8.7), after type coercion. */
export interface UserFilterParams {
  uid?: string; email?: string; role?: string; first_name?: string; last_name?: string; country?: string;
  level?: number; state?: string; range?: string; from?: number; to?: number;
}

export const USER_FILTER_NAMES = ['uid', 'email', 'role', 'first_name', 'last_name', 'country', 'level', 'state', 'range', 'from', 'to'] as const;

/** Value errors of the filter parameters, in declaration order (coercion is checked before). */
export function userFilterErrors(p: UserFilterParams): string[] {
  return p.range !== undefined && p.range !== 'created' && p.range !== 'updated' ? ['admin.user.invalid_range'] : [];
}

/** Value errors of `ordering` / `order_by` (Barong's keys: `user.ordering.*`). */
export function userOrderErrors(p: { ordering?: string; order_by?: string }): string[] {
  const errors: string[] = [];
  if (p.ordering !== undefined && !['asc', 'desc'].includes(p.ordering.toLowerCase())) errors.push('user.ordering.invalid_ordering');
  if (p.order_by !== undefined && !(USER_ORDER_COLUMNS as readonly string[]).includes(p.order_by)) errors.push('user.ordering.invalid_attribute');
  return errors;
}

/**
 * The repository filter. First and last names are matched exactly (normalised) through the
 * profiles' blind indexes; `blindIndex` turns a name into its index (null for a blank name,
 * which then matches nothing).
 */
export function userFilter(p: UserFilterParams, blindIndex: (v: string) => string | null): UserFilter {
  const f: UserFilter = { range: p.range === 'updated' ? 'updated' : 'created' };
  if (p.uid !== undefined) f.uid = p.uid;
  if (p.email !== undefined) f.email = p.email.trim();
  if (p.role !== undefined) f.role = p.role;
  if (p.level !== undefined) f.level = p.level;
  if (p.state !== undefined) f.state = p.state;
  if (p.country !== undefined) f.country = p.country.trim();
  if (p.first_name !== undefined) f.firstNameIndex = blindIndex(p.first_name) ?? '';
  if (p.last_name !== undefined) f.lastNameIndex = blindIndex(p.last_name) ?? '';
  if (p.from !== undefined) f.from = p.from;
  if (p.to !== undefined) f.to = p.to;
  return f;
}

export function userOrder(p: { ordering?: string; order_by?: string }): UserOrder {
  return {
    column: (p.order_by ?? 'id') as UserOrderColumn,
    direction: p.ordering?.toLowerCase() === 'desc' ? 'desc' : 'asc',
  };
}
