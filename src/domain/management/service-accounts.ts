import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { adminUserRefsRepo, type UserRef } from '../../db/repositories/admin-user-refs.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { serviceAccountsRepo, type ServiceAccount } from '../../db/repositories/service-accounts.js';
import { usersRepo } from '../../db/repositories/users.js';
import { generateUid } from '../../lib/random.js';
import type { ServiceAccountService } from '../service-accounts/service-account-service.js';
import type { User } from '../users/user.js';
import { emailErrors } from '../users/user-rules.js';
import { ManagementError, notFound } from './errors.js';

export interface AccountWithOwner { account: ServiceAccount; owner: UserRef | null }

export interface NewManagedAccount {
  service_account_role: string; owner_uid?: string; service_account_uid?: string; service_account_email?: string;
  service_account_state?: string; service_account_level?: number;
}

/**
 * Service accounts through the management API (BARONG.md §2.11, §9.2): created with or without
 * an owner, re-owned, disabled. An owned account's state and level follow its owner.
 */
export class ManagementServiceAccounts {
  constructor(private readonly d: {
    db: Db; accounts: ServiceAccountService;
    page: (ownerUid: string | undefined, page: number, limit: number) => Promise<{ total: number; items: AccountWithOwner[] }>;
  }) {}

  async get(by: { uid?: string; email?: string }): Promise<AccountWithOwner> {
    const sa = by.uid !== undefined ? await serviceAccountsRepo.byUid(this.d.db, by.uid) : await serviceAccountsRepo.byEmail(this.d.db, by.email ?? '');
    if (!sa) throw notFound();
    return this.withOwner(sa);
  }

  /** By owner uid, else owner email; an owner given but unknown → 404 (Warden fix #15: Barong listed every account). */
  async list(by: { owner_uid?: string; owner_email?: string }, page: number, limit: number): Promise<{ total: number; items: AccountWithOwner[] }> {
    let ownerUid: string | undefined;
    if (by.owner_uid !== undefined || by.owner_email !== undefined) {
      const owner = by.owner_uid !== undefined ? await usersRepo.byUid(this.d.db, by.owner_uid) : await usersRepo.byEmail(this.d.db, by.owner_email!.trim().toLowerCase());
      if (!owner) throw notFound();
      ownerUid = owner.uid;
    }
    return this.d.page(ownerUid, page, limit);
  }

  async create(input: NewManagedAccount): Promise<AccountWithOwner> {
    let owner: User | null = null;
    if (input.owner_uid !== undefined) {
      owner = await usersRepo.byUid(this.d.db, input.owner_uid);
      if (!owner) throw notFound();
    }
    const uid = input.service_account_uid ?? generateUid('SI');
    let email = input.service_account_email;
    if (email === undefined && owner) {
      const at = owner.email.lastIndexOf('@');
      email = `${owner.email.slice(0, at)}+${uid}${owner.email.slice(at)}`;
    }
    // Without owner and email Barong crashed (500); the model's own message instead.
    if (email === undefined) throw new ManagementError(422, ["Email can't be blank"]);
    const errors: string[] = [];
    if (emailErrors(email).length) errors.push('Email is invalid');
    if (!(await permissionsRepo.roleExists(this.d.db, input.service_account_role))) errors.push('Role doesnt_exist');
    if (errors.length === 0 && (await usersRepo.uidTaken(this.d.db, uid) || await usersRepo.emailTaken(this.d.db, email))) errors.push('Email or uid not_uniq');
    if (errors.length === 0 && (await serviceAccountsRepo.byUid(this.d.db, uid))) errors.push('Uid has already been taken');
    if (errors.length === 0 && (await serviceAccountsRepo.byEmail(this.d.db, email))) errors.push('Email has already been taken');
    if (errors.length) throw new ManagementError(422, errors);
    try {
      const sa = await this.d.accounts.insertManaged({
        uid, email, role: input.service_account_role, ownerId: owner?.id ?? null,
        state: owner ? owner.state : input.service_account_state ?? 'pending',
        level: owner ? owner.level : input.service_account_level ?? 0,
      });
      return this.withOwner(sa);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ManagementError(422, ['Email or uid not_uniq']);
      throw e;
    }
  }

  /** A new owner when `owner_uid` names a user (state and level then follow him). */
  async update(uid: string, ownerUid: string | undefined): Promise<AccountWithOwner> {
    const sa = await serviceAccountsRepo.byUid(this.d.db, uid);
    if (!sa) throw new ManagementError(422, 'Service account doesnt exist');
    const owner = ownerUid !== undefined ? await usersRepo.byUid(this.d.db, ownerUid) : null;
    if (!owner) return this.withOwner(sa);
    return this.withOwner(await this.d.accounts.updateManaged(sa, { ownerId: owner.id, state: sa.state === 'disabled' ? undefined : owner.state, level: owner.level }));
  }

  async disable(uid: string): Promise<AccountWithOwner> {
    const sa = await serviceAccountsRepo.byUid(this.d.db, uid);
    if (!sa) throw notFound();
    return this.withOwner(await this.d.accounts.updateManaged(sa, { state: 'disabled' }));
  }

  private async withOwner(account: ServiceAccount): Promise<AccountWithOwner> {
    if (account.ownerId === null) return { account, owner: null };
    return { account, owner: (await adminUserRefsRepo.byIds(this.d.db, [account.ownerId])).get(account.ownerId) ?? null };
  }
}
