import type { Db, Queryable } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { adminUsersRepo, type UserFilter, type UserOrder } from '../../db/repositories/admin-users.js';
import { apiKeysRepo } from '../../db/repositories/api-keys.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { userModelRecord, type EventLog } from '../events/event-log.js';
import type { DocumentView } from '../kyc/documents-view.js';
import { normalizeLabelPart } from '../labels/label-rules.js';
import { emailErrors, normalizeEmail } from '../users/user-rules.js';
import type { User } from '../users/user.js';
import type { ProtectingActor } from './users-admin-audit.js';
import { loadUserKyc, referralUids, type AdminUserRow, type UserKyc } from './users-admin-view.js';

/** What the admin user service needs besides the database (ports of other modules). */
export interface UsersAdminDeps {
  db: Db;
  events: EventLog;
  /** Turns 2FA off the way the user's own disable does (label, secret, codes, API keys). */
  otp: { disableByAdmin(user: User): Promise<User> };
  /** Drops changed keys from the API-key cache after the commit. */
  apiKeys: { invalidate(kid: string): void };
  /** Active keys of the user's service accounts go off with his own (§2.1). */
  serviceAccountKeys: (ownerId: number, q: Queryable) => Promise<string[]>;
  documentsOf: (userId: number) => Promise<DocumentView[]>;
  dataStorage: { remove(user: User, title: string): Promise<boolean> };
}

/** The one attribute a `PUT admin/users` / `POST admin/users/update` changes. */
export type UserChange = { state: string } | { otp: boolean } | { email: string };

/**
 * The admin user API (BARONG.md §8.7): lists with filters, the KYC detail, state / 2FA / email /
 * role changes and data-storage deletion. User changes are `model.user.updated` events,
 * announced to the gateway caches after the commit. The admin activity of a write is the
 * permission check's (BARONG.md §18.2: an AUDIT rule), not a second row written here.
 */
export class UsersAdmin {
  constructor(private readonly d: UsersAdminDeps) {}

  /** The target of an admin action; 404 `admin.user.doesnt_exist`. */
  async target(uid: string): Promise<User> {
    const user = uid ? await usersRepo.byUid(this.d.db, uid) : null;
    if (!user) throw new AppError('admin.user.doesnt_exist');
    return user;
  }

  async list(filter: UserFilter, order: UserOrder, extended: boolean, page: number, limit: number): Promise<{ total: number; rows: AdminUserRow[] }> {
    const { total, users } = await adminUsersRepo.page(this.d.db, filter, order, page, limit);
    return { total, rows: await this.rows(users, extended) };
  }

  async detail(uid: string): Promise<UserKyc> {
    return this.kyc(await this.target(uid));
  }

  kyc(user: User): Promise<UserKyc> {
    return loadUserKyc(this.d.db, this.d.documentsOf, user);
  }

  /** The document review queue; extended rows carry the whole KYC view. */
  async pendingDocuments(filter: UserFilter, extended: boolean, page: number, limit: number): Promise<{ total: number; rows: AdminUserRow[]; kyc?: UserKyc[] }> {
    const { total, users } = await adminUsersRepo.pendingDocuments(this.d.db, filter, page, limit);
    if (!extended) return { total, rows: await this.rows(users, false) };
    const kyc: UserKyc[] = [];
    for (const u of users) kyc.push(await this.kyc(u));
    return { total, rows: [], kyc };
  }

  /** Users holding key=value in any scope (compared as labels are stored: lower-cased, squished). */
  async withLabel(key: string, value: string, page: number, limit: number): Promise<{ total: number; rows: AdminUserRow[] }> {
    const { total, users } = await adminUsersRepo.withLabel(this.d.db, normalizeLabelPart(key), normalizeLabelPart(value), page, limit);
    return { total, rows: await this.rows(users, false) };
  }

  privateLabelCounts(): Promise<{ key: string; value: string; n: number }[]> {
    return adminUsersRepo.privateLabelCounts(this.d.db);
  }

  /**
   * State, 2FA (off only) or email (superadmins only). Checks in Barong's order: unknown uid,
   * superadmin protection (by the caller), self-update, email right, 2FA enable, no change.
   */
  async update(who: ProtectingActor, uid: string, change: UserChange): Promise<void> {
    const user = await this.target(uid);
    who.protect(user);
    if (user.id === who.admin.id) throw new AppError('admin.user.update_himself');
    if ('email' in change && who.admin.role !== 'superadmin') throw new AppError('superadmin.user.update_email');
    if ('otp' in change) return this.disableOtp(user, change.otp);
    if ('state' in change) return this.setState(user, change.state);
    return this.setEmail(user, change.email);
  }

  /** Role change; only a superadmin makes a superadmin (and changes one: `protect`). */
  async setRole(who: ProtectingActor, uid: string, role: string): Promise<void> {
    const user = await this.target(uid);
    who.protect(user);
    if (user.id === who.admin.id) throw new AppError('admin.user.update_himself');
    if (role === 'superadmin') who.protect({ ...user, role: 'superadmin' });
    if (role === user.role) throw new AppError('admin.user.role_no_change');
    if (!(await permissionsRepo.roleExists(this.d.db, role))) throw new ModelError(['role.doesnt_exist']);
    await this.write(async (q) => {
      const u = await this.lock(q, user);
      const updated = await usersRepo.update(q, u.id, { role });
      await this.announce(q, updated, { role: u.role });
    });
  }

  /** Deletes a data-storage record and its `<title>` label (fix #17); answers the user's KYC view. */
  async deleteDataStorage(who: ProtectingActor, uid: string, title: string): Promise<UserKyc> {
    const user = await this.target(uid);
    who.protect(user);
    if (!(await this.d.dataStorage.remove(user, title))) throw new AppError('admin.storage.doesnt_exist');
    return this.kyc((await usersRepo.byId(this.d.db, user.id)) ?? user);
  }

  private async disableOtp(user: User, otp: boolean): Promise<void> {
    if (otp) throw new AppError('admin.user.enable_2fa');
    if (!user.otp) throw new AppError('admin.user.otp_no_change');
    await this.d.otp.disableByAdmin(user);
  }

  /**
   * Stored verbatim (Barong has no whitelist; labels may recompute it later, §3.1). Leaving
   * `active` turns the user's and his service accounts' API keys off (§2.1). His sessions stay
   * (§10.4): the gateway refuses them with `authz.user_not_active` while the state is not a login
   * state, and they work again once it is.
   */
  private async setState(user: User, state: string): Promise<void> {
    if (state === user.state) throw new AppError('admin.user.state_no_change');
    if (state.length > 255) throw new ModelError(['state.too_long']);
    const kids = await this.write(async (q) => {
      const u = await this.lock(q, user);
      const updated = await usersRepo.update(q, u.id, { state });
      await this.announce(q, updated, { state: u.state });
      const off = state === 'active' ? [] : [
        ...await apiKeysRepo.setStateForHolder(q, 'User', u.id, 'active', 'inactive'),
        ...await this.d.serviceAccountKeys(u.id, q),
      ];
      return off;
    });
    for (const kid of kids) this.d.apiKeys.invalidate(kid);
  }

  private async setEmail(user: User, input: string): Promise<void> {
    const email = normalizeEmail(input);
    const errors = emailErrors(email);
    if (errors.length) throw new ModelError(errors);
    // Like state and 2FA (§8.7 "value unchanged"): re-sending the current address is an error, not a silent 200.
    if (email === user.email) throw new AppError('admin.user.email_no_change');
    const sameOwner = email.toLowerCase() === user.email.toLowerCase();
    if (!sameOwner && (await usersRepo.emailTaken(this.d.db, email))) throw new ModelError(['email.taken']);
    await this.write(async (q) => {
      const u = await this.lock(q, user);
      let updated: User;
      try {
        updated = await adminUsersRepo.updateEmail(q, u.id, email);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ModelError(['email.taken']);
        throw err;
      }
      await this.announce(q, updated, { email: u.email });
    });
  }

  private async rows(users: User[], extended: boolean): Promise<AdminUserRow[]> {
    const refs = await referralUids(this.d.db, users);
    const profiles = extended ? await adminUsersRepo.profilesOf(this.d.db, users.map((u) => u.id)) : [];
    return users.map((user) => ({
      user, referralUid: user.referralId === null ? null : refs.get(user.referralId) ?? null,
      ...(extended ? { profiles: profiles.filter((p) => p.user_id === user.id) } : {}),
    }));
  }

  private async announce(q: Queryable, updated: User, changes: Record<string, unknown>): Promise<void> {
    const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
    await this.d.events.emit(q, 'model.user.updated', userModelRecord(updated, refUid), changes);
  }

  private async lock(q: Queryable, user: User): Promise<User> {
    const u = await usersRepo.lockById(q, user.id);
    if (!u) throw new AppError('admin.user.doesnt_exist');
    return u;
  }

  /** One transaction, then the events are announced (gateway caches drop the user). */
  private async write<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const out = await this.d.db.tx(fn);
    this.d.events.committed();
    return out;
  }
}
