import type { Queryable } from '../../db/db.js';
import { adminServiceAccountsRepo } from '../../db/repositories/admin-service-accounts.js';
import { adminUserRefsRepo, type UserRef } from '../../db/repositories/admin-user-refs.js';
import { AppError } from '../../errors/app-error.js';
import type { ApiKeyColumn, ApiKeyRecord, KeyHolderType } from '../api-keys/api-key-service.js';
import type { ServiceAccount } from '../service-accounts/service-account-service.js';

export interface KeyPage { orderBy: ApiKeyColumn; ordering: 'asc' | 'desc'; page: number; limit: number }

/** The key listing the admin view needs (ApiKeyService.page). */
export interface KeyLister {
  page(holder: { type: KeyHolderType; id: number }, o: KeyPage): Promise<{ rows: ApiKeyRecord[]; total: number }>;
}

export interface ServiceAccountItem { account: ServiceAccount; owner: UserRef | null }

/** What admins see of a user's machine access: his API keys (§8.3) and service accounts (§16.4). */
export class AccountsAdmin {
  constructor(private readonly db: Queryable, private readonly keys: KeyLister) {}

  /** Keys held by the user himself, never their secrets. Unknown uid → 404 `admin.user.doesnt_exist`. */
  async apiKeysOf(uid: string, o: KeyPage): Promise<{ rows: ApiKeyRecord[]; total: number }> {
    const ref = await adminUserRefsRepo.byUid(this.db, uid);
    if (!ref) throw new AppError('admin.user.doesnt_exist');
    return this.keys.page({ type: 'User', id: ref.user.id }, o);
  }

  /** All service accounts, or one owner's (unknown owner → 404, where Barong listed everything: fix #15). */
  async serviceAccounts(ownerUid: string | undefined, page: number, limit: number): Promise<{ total: number; items: ServiceAccountItem[] }> {
    let ownerId: number | null = null;
    if (ownerUid !== undefined) {
      const ref = await adminUserRefsRepo.byUid(this.db, ownerUid);
      if (!ref) throw new AppError('admin.user.doesnt_exist');
      ownerId = ref.user.id;
    }
    const { total, rows } = await adminServiceAccountsRepo.page(this.db, ownerId, page, limit);
    const owners = await adminUserRefsRepo.byIds(this.db, rows.flatMap((r) => (r.ownerId === null ? [] : [r.ownerId])));
    return { total, items: rows.map((account) => ({ account, owner: account.ownerId === null ? null : owners.get(account.ownerId) ?? null })) };
  }
}
