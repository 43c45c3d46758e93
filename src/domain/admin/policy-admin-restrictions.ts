import { isIP } from 'node:net';
import { isUniqueViolation } from '../../db/db.js';
import { adminRestrictionsRepo, type Restriction, type RestrictionFields, type RestrictionFilter } from '../../db/repositories/admin-restrictions.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import { restrictionCode, restrictionErrors } from '../restrictions/restriction-rules.js';
import type { User } from '../users/user.js';
import { announcePolicy, type PolicyAdminDeps } from './policy-admin.js';

export type { Restriction, RestrictionFilter } from '../../db/repositories/admin-restrictions.js';

export interface RestrictionInput { scope?: string; category?: string; value?: string; state?: string; code?: number }

export interface RestrictionsAdminDeps extends PolicyAdminDeps {
  /** Ends every cookie session of every user (§2.11). */
  endAllSessions(): Promise<number>;
  /** Issues a single-use whitelink token living `ttlSeconds`. */
  issueWhitelink(ttlSeconds: number): Promise<string>;
}

/**
 * The gateway sees an `ip` rule match only when the text equals the client address, so an IPv6
 * address is stored in its canonical form (lower case, zeros compressed) whatever was typed.
 */
export function canonicalValue(scope: string, value: string): string {
  const v = value.trim();
  if (scope === 'ip' && isIP(v) === 6) {
    // A zone (fe80::1%eth0) is no URL host: such an address is only lower-cased.
    try { return new URL(`http://[${v}]/`).hostname.slice(1, -1); } catch { return v.toLowerCase(); }
  }
  return v;
}

/** Settings of a restriction after a create or update, validated as a whole (§8.5). */
function resolved(input: Required<Omit<RestrictionInput, 'code'>> & { code?: number | null }): RestrictionFields {
  const draft = { category: input.category, scope: input.scope, value: canonicalValue(input.scope, input.value), state: input.state, code: input.code ?? null };
  const errors = restrictionErrors(draft);
  if (errors.length) throw new ModelError(errors);
  return { ...draft, code: restrictionCode(draft) };
}

/** A blocklogin rule that starts applying ends every session (BARONG.md §2.11, §10.4). */
const startsBlocking = (after: Restriction, before: Restriction | null) =>
  after.category === 'blocklogin' && after.state === 'enabled'
  && (before === null || before.state !== 'enabled' || before.category !== 'blocklogin');

/** Gateway restrictions (BARONG.md §8.5, §16.1) and whitelinks. */
export class RestrictionsAdmin {
  constructor(private readonly d: RestrictionsAdminDeps) {}

  list(f: RestrictionFilter, page: number, limit: number): Promise<{ total: number; rows: Restriction[] }> {
    return adminRestrictionsRepo.page(this.d.db, f, page, limit);
  }

  async create(admin: User, ctx: RequestContext, input: { scope: string; category: string; value: string; state?: string; code?: number }): Promise<Restriction> {
    const fields = resolved({ ...input, state: input.state ?? 'enabled' });
    const created = await this.unique(() => adminRestrictionsRepo.insert(this.d.db, fields));
    await this.applied(created, null);
    return created;
  }

  /** Validation is on the resulting record: a scope change without a fitting value fails and nothing changes. */
  async update(admin: User, ctx: RequestContext, id: number, patch: RestrictionInput): Promise<Restriction> {
    const { before, after } = await this.unique(() => this.d.db.tx(async (q) => {
      const current = await adminRestrictionsRepo.byId(q, id, true);
      if (!current) throw new AppError('admin.restriction.doesnt_exist');
      const fields = resolved({
        scope: patch.scope ?? current.scope, category: patch.category ?? current.category, value: patch.value ?? current.value,
        state: patch.state ?? current.state, code: patch.code ?? current.code,
      });
      return { before: current, after: await adminRestrictionsRepo.update(q, id, fields) };
    }));
    await this.applied(after, before);
    return after;
  }

  async remove(admin: User, ctx: RequestContext, id: number): Promise<void> {
    if (!(await adminRestrictionsRepo.delete(this.d.db, id))) throw new AppError('admin.restriction.doesnt_exist');
    await announcePolicy(this.d, 'restrictions');
  }

  /** A whitelink token for `expireTime` days or hours (the token itself never reaches the log). */
  async whitelink(admin: User, ctx: RequestContext, expireTime: number, range: 'day' | 'hour'): Promise<string> {
    return this.d.issueWhitelink(expireTime * (range === 'day' ? 86_400 : 3_600));
  }

  /** The policy first (new logins are refused everywhere), then the sessions already open. */
  private async applied(after: Restriction, before: Restriction | null): Promise<void> {
    await announcePolicy(this.d, 'restrictions');
    if (startsBlocking(after, before)) {
      const ended = await this.d.endAllSessions();
      this.d.log.warn({ restriction: after.id, sessions: ended }, 'blocklogin restriction enabled: all sessions ended');
    }
  }

  /** The (scope, category, value) uniqueness is the database's: a duplicate is `value.taken`. */
  private async unique<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isUniqueViolation(e)) throw new ModelError(['value.taken']);
      throw e;
    }
  }
}
