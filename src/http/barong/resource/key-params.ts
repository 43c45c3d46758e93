import { ValidationError } from '../../../errors/app-error.js';
import { API_KEY_COLUMNS, type ApiKeyColumn } from '../../../domain/api-keys/api-key-service.js';
import { PageFields } from '../common.js';
import { P } from '../params.js';

/** Scopes are comma-separated and split without trimming (BARONG.md §7.9). */
export const splitScope = (scope: string | undefined): string[] | undefined => (scope === undefined ? undefined : scope.split(','));

/**
 * Beyond Barong: `allowed_ips` is a comma-separated list of CIDRs (an empty value clears the
 * list on update); `expires_at` is unix seconds or an ISO 8601 time (empty clears). A value
 * that is not a time yields an invalid Date, which the domain refuses as `expires_at.invalid`.
 */
export function limitParams(p: { allowed_ips?: string; expires_at?: string }): { allowedIps?: string[] | null; expiresAt?: Date | null } {
  const out: { allowedIps?: string[] | null; expiresAt?: Date | null } = {};
  if (p.allowed_ips !== undefined) out.allowedIps = p.allowed_ips.trim() === '' ? null : p.allowed_ips.split(',').map((s) => s.trim());
  if (p.expires_at !== undefined) {
    const v = p.expires_at.trim();
    out.expiresAt = v === '' ? null : /^\d+$/.test(v) ? new Date(Number(v) * 1000) : /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(v) : new Date(NaN);
  }
  return out;
}

export const LimitFields = {
  allowed_ips: P.opt(P.str({ description: 'comma-separated CIDRs the caller must come from (empty: any)' })),
  expires_at: P.opt(P.str({ description: 'unix seconds or ISO 8601 time after which the key stops working (empty: never)' })),
};

/**
 * `ordering`, `order_by`, `page`, `limit` of the key lists, in Barong's declaration order, with
 * the group's keys for bad values: parseParams reports them together with the page/limit errors.
 */
export function orderFields(keys: { ordering: string; attribute: string }) {
  return {
    ordering: P.opt(P.str({ enum: ['asc', 'desc'], 'x-any-case': true, 'x-value': keys.ordering, description: 'asc (default) or desc' })),
    order_by: P.opt(P.str({ enum: API_KEY_COLUMNS, 'x-value': keys.attribute, description: 'apikeys column, default id' })),
    ...PageFields,
  };
}

/** `ordering` and `order_by` with their defaults (parseParams has checked them against orderFields). */
export function orderParams(p: { ordering?: string; order_by?: string }, keys: { ordering: string; attribute: string }): { ordering: 'asc' | 'desc'; orderBy: ApiKeyColumn } {
  const errors: string[] = [];
  const ordering = (p.ordering ?? 'asc').toLowerCase();
  const orderBy = p.order_by ?? 'id';
  if (ordering !== 'asc' && ordering !== 'desc') errors.push(keys.ordering);
  if (!(API_KEY_COLUMNS as readonly string[]).includes(orderBy)) errors.push(keys.attribute);
  if (errors.length) throw new ValidationError(errors);
  return { ordering: ordering as 'asc' | 'desc', orderBy: orderBy as ApiKeyColumn };
}
