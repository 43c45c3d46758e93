import type { Db, Queryable } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { apiKeysRepo } from '../../db/repositories/api-keys.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { serviceAccountsRepo, type NewServiceAccount, type ServiceAccount } from '../../db/repositories/service-accounts.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { generateUid } from '../../lib/random.js';
import type { ActivityLog, RequestContext } from '../activities/activity-log.js';
import type { ApiKeyService, KeyHolder } from '../api-keys/api-key-service.js';
import { requireTotp } from '../api-keys/totp-guard.js';
import type { SecondFactor } from '../identity/deps.js';
import type { User } from '../users/user.js';

export type { ServiceAccount } from '../../db/repositories/service-accounts.js';

export interface ServiceAccountSettings {
  /** Roles an owner may give his accounts; anything else could be a privilege escalation. */
  allowedRoles: readonly string[];
  maxPerOwner: number;
}

const UID_ATTEMPTS = 5;

/**
 * Service accounts owned by a user (BARONG.md §2.11, §16.4; beyond Barong a user creates and
 * deletes his own, with his TOTP code, instead of only the management API doing it). An
 * account's state and level mirror its owner; its keys are managed through KeyManagement
 * with `asHolder`.
 */
export class ServiceAccountService {
  constructor(private readonly d: {
    db: Db; apiKeys: ApiKeyService; secondFactor: SecondFactor; activities: ActivityLog; settings: ServiceAccountSettings;
    /** Tells every instance's caches that this account changed (user channel). */
    announce: (uid: string) => void;
  }) {}

  list(owner: User): Promise<ServiceAccount[]> {
    return serviceAccountsRepo.ofOwner(this.d.db, owner.id);
  }

  /** The caller's account by uid; an unknown or foreign uid is 404 (checked before the TOTP code). */
  async find(owner: User, uid: string): Promise<ServiceAccount> {
    const sa = await serviceAccountsRepo.byUid(this.d.db, uid);
    if (!sa || sa.ownerId !== owner.id) throw new AppError('resource.service_account.doesnt_exist');
    return sa;
  }

  asHolder(sa: ServiceAccount): KeyHolder {
    return { type: 'ServiceAccount', id: sa.id, state: sa.state };
  }

  async create(owner: User, input: { role?: string }, totp: string, ctx: RequestContext): Promise<ServiceAccount> {
    const role = input.role ?? 'service_account';
    if (!this.d.settings.allowedRoles.includes(role)) throw new AppError('resource.service_accounts.invalid_role');
    await this.guard(owner, totp, ctx, 'create service account');
    if (!(await permissionsRepo.roleExists(this.d.db, role))) throw new ModelError(['role.doesnt_exist']);
    if ((await serviceAccountsRepo.countOfOwner(this.d.db, owner.id)) >= this.d.settings.maxPerOwner) {
      throw new AppError('resource.service_accounts.limit_reached');
    }
    const at = owner.email.lastIndexOf('@');
    for (let attempt = 1; ; attempt++) {
      const uid = generateUid('SI');
      const email = `${owner.email.slice(0, at)}+${uid}${owner.email.slice(at)}`;
      if (await serviceAccountsRepo.identityTaken(this.d.db, uid, email)) {
        if (attempt < UID_ATTEMPTS) continue;
        throw new ModelError(['email_or_uid.not_uniq']);
      }
      try {
        const sa = await serviceAccountsRepo.insert(this.d.db, { uid, ownerId: owner.id, email, role, level: owner.level, state: owner.state });
        await this.log(owner, ctx, 'create service account', 'succeed');
        return sa;
      } catch (err) {
        if (attempt < UID_ATTEMPTS && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Deletes the account and its keys in one transaction; the keys stop working at once. */
  async remove(owner: User, uid: string, totp: string, ctx: RequestContext): Promise<void> {
    const sa = await this.find(owner, uid);
    await this.guard(owner, totp, ctx, 'delete service account');
    const kids = await this.d.db.tx(async (q) => {
      const keys = await apiKeysRepo.listForHolder(q, 'ServiceAccount', sa.id);
      for (const k of keys) await apiKeysRepo.delete(q, k.kid);
      await serviceAccountsRepo.delete(q, sa.id);
      return keys.map((k) => k.kid);
    });
    for (const kid of kids) this.d.apiKeys.invalidate(kid);
    this.d.announce(sa.uid);
    await this.log(owner, ctx, 'delete service account', 'succeed');
  }

  /** Management API (BARONG.md §9.2): an account built by the caller, with or without an owner. */
  async insertManaged(a: NewServiceAccount): Promise<ServiceAccount> {
    const sa = await serviceAccountsRepo.insert(this.d.db, a);
    this.d.announce(sa.uid);
    return sa;
  }

  /** Management API: a new owner and/or state; `disabled` turns the account's active keys inactive (§2.11). */
  async updateManaged(sa: ServiceAccount, f: { ownerId?: number; state?: string; level?: number }): Promise<ServiceAccount> {
    const kids = await this.d.db.tx(async (q) => {
      await serviceAccountsRepo.update(q, sa.id, f);
      return f.state === 'disabled' ? apiKeysRepo.setStateForHolder(q, 'ServiceAccount', sa.id, 'active', 'inactive') : [];
    });
    for (const kid of kids) this.d.apiKeys.invalidate(kid);
    this.d.announce(sa.uid);
    return (await serviceAccountsRepo.byId(this.d.db, sa.id)) ?? sa;
  }

  /**
   * The owner turned 2FA off: his service accounts' active keys become inactive (§16.4). Runs
   * in the caller's transaction (`q`); the caller drops the returned kids from the key cache.
   */
  async deactivateKeysOfOwner(ownerId: number, q: Queryable = this.d.db): Promise<string[]> {
    const kids: string[] = [];
    for (const sa of await serviceAccountsRepo.ofOwner(q, ownerId)) kids.push(...await apiKeysRepo.setStateForHolder(q, 'ServiceAccount', sa.id, 'active', 'inactive'));
    return kids;
  }

  /** The same outside a transaction (the owner froze his account): the keys stop at once. */
  async turnOffKeysOfOwner(ownerId: number): Promise<string[]> {
    const kids = await this.deactivateKeysOfOwner(ownerId);
    for (const kid of kids) this.d.apiKeys.invalidate(kid);
    return kids;
  }

  private async guard(owner: User, totp: string, ctx: RequestContext, action: string): Promise<void> {
    try {
      await requireTotp(this.d.secondFactor, owner, totp, 'service_accounts');
    } catch (err) {
      await this.log(owner, ctx, action, 'failed', (err as Error).message);
      throw err;
    }
  }

  private log(owner: User, ctx: RequestContext, action: string, result: 'succeed' | 'failed', reason?: string): Promise<void> {
    return this.d.activities.record(this.d.db, ctx, { userId: owner.id, topic: 'service_accounts', action, result, reason });
  }
}
