import type { FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import type { ProtectingActor } from '../../../domain/admin/users-admin-audit.js';
import { requestContext } from '../../request-context.js';
import { adminOf, protectSuperadmin } from './guard.js';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { ValidationError } from '../../../errors/app-error.js';
import { USER_FILTER_NAMES } from '../../../domain/admin/users-admin-filters.js';
import { isBlank, mergedParams, P, parseParams } from '../params.js';

/** Optional on every write: why the admin did it (kept with the request's parameters in the admin activity). */
export const REASON_PROPS = { reason: P.opt(P.str({ description: 'why; recorded in the admin activity log' })) };

/**
 * The calling admin with his request context and the superadmin protection under
 * the group's key (§8.0).
 */
export function actorOf(req: FastifyRequest, c: Container, key: 'admin.user.superadmin_change' | 'admin.profiles.superadmin_change' = 'admin.user.superadmin_change'): ProtectingActor {
  const admin = adminOf(req);
  return { admin, ctx: requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip), protect: (t) => protectSuperadmin(admin, t, key) };
}

/** Page and limit of the paginated admin lists (BARONG.md §1.7). */
export const PAGE_PROPS = {
  page: P.opt(P.int({ 'x-invalid': 'non_integer_page', description: 'page number (default 1)' })),
  limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit', description: 'per page, 1..100 (default 100)' })),
};

/** The common user filters of the admin lists (§8.7). */
export const USER_FILTER_PROPS = {
  uid: P.opt(P.str()),
  email: P.opt(P.str()),
  role: P.opt(P.str()),
  first_name: P.opt(P.str({ description: 'exact (case and spacing ignored), through the blind index' })),
  last_name: P.opt(P.str({ description: 'exact (case and spacing ignored), through the blind index' })),
  country: P.opt(P.str({ description: 'a profile of the user is in this country' })),
  level: P.opt(P.int()),
  state: P.opt(P.str()),
  range: P.opt(P.str({ description: 'created (default) or updated' })),
  from: P.opt(P.int({ description: 'unix seconds, inclusive' })),
  to: P.opt(P.int({ description: 'unix seconds, inclusive' })),
};

export function pageErrors(p: { page?: number; limit?: number }): string[] {
  const errors: string[] = [];
  if (p.page !== undefined && p.page < 1) errors.push('non_positive_page');
  if (p.limit !== undefined && (p.limit < 1 || p.limit > 100)) errors.push('invalid_limit');
  return errors;
}

/**
 * The request's parameters with blank filter values dropped: admin forms send every field,
 * and an empty field means "any", not "equal to the empty string".
 */
export function filterInput(req: FastifyRequest): Record<string, unknown> {
  const input = mergedParams(req);
  for (const name of USER_FILTER_NAMES) if (name in input && isBlank(input[name])) delete input[name];
  return input;
}

/**
 * parseParams plus value checks on the coerced result, all keys in one 422 (Grape reports
 * every failing parameter at once): value checks also run on the parameters that did coerce
 * when others did not. `also` (keys of checks across parameters, like exactly_one_of) come last.
 */
export function parseChecked<T extends TObject>(schema: T, input: Record<string, unknown>, prefix: string, checks: (p: Static<T>) => string[], also: string[] = []): Static<T> {
  let p: Static<T>;
  try {
    p = parseParams(schema, input, prefix);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError([...err.keys, ...checks(coercible(schema, input, prefix) as Static<T>), ...also]);
    throw err;
  }
  const errors = [...checks(p), ...also];
  if (errors.length) throw new ValidationError(errors);
  return p;
}

/** Grape's `exactly_one_of` with a message: none or several of `names` present → `key`. */
export function exactlyOneOf(input: Record<string, unknown>, names: readonly string[], key: string): string[] {
  const present = names.filter((n) => input[n] !== undefined);
  return present.length === 1 ? [] : [key];
}

/** The parameters that coerce on their own (for value checks next to coercion failures). */
function coercible(schema: TObject, input: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    try {
      Object.assign(out, parseParams(Type.Object({ [name]: Type.Optional(prop) }), input, prefix));
    } catch {
      // reported by the full parse
    }
  }
  return out;
}
