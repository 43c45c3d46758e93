import type { Db, Queryable } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { adminUsersRepo, type UserFilter } from '../../db/repositories/admin-users.js';
import { managementUsersRepo, type LabelUserFilter } from '../../db/repositories/management-users.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { phonesRepo } from '../../db/repositories/phones.js';
import { usersRepo } from '../../db/repositories/users.js';
import { generateUid } from '../../lib/random.js';
import { ModelError } from '../../errors/app-error.js';
import type { AdminUserRow, UserKyc } from '../admin/users-admin-view.js';
import { referralUids } from '../admin/users-admin-view.js';
import type { UsersAdmin } from '../admin/users-admin.js';
import type { EventLog } from '../events/event-log.js';
import { userModelRecord } from '../events/event-log.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { PasswordPolicy } from '../../lib/password/policy.js';
import type { User } from '../users/user.js';
import { dataErrors, emailErrors, normalizeEmail, passwordErrors } from '../users/user-rules.js';
import { ManagementError, fullMessage, notFound } from './errors.js';

export interface ManagementUsersDeps {
  db: Db;
  events: EventLog;
  hasher: PasswordHasher;
  users: UsersAdmin;
  uidPrefix: string;
  passwordPolicy: PasswordPolicy;
  blindIndex: (v: string) => string | null;
}

/** ModelError keys as Barong's full messages, `{"error": [...]}` (BARONG.md §9.1). */
export function modelFailure(err: unknown): never {
  if (err instanceof ModelError) throw new ManagementError(422, err.keys.map(fullMessage));
  throw err;
}

/** The user side of the management API (BARONG.md §9.2): lookups, lists, create, update. */
export class ManagementUsers {
  constructor(private readonly d: ManagementUsersDeps) {}

  /** users/get: by uid or email exactly, by phone through the number's blind index. 404 when none. */
  async find(by: { uid?: string; email?: string; phone_num?: string }): Promise<UserKyc> {
    let user: User | null = null;
    if (by.uid !== undefined) user = await usersRepo.byUid(this.d.db, by.uid);
    else if (by.email !== undefined) user = await usersRepo.byEmail(this.d.db, by.email);
    else {
      const index = this.d.blindIndex(by.phone_num ?? '');
      const [id] = index ? await phonesRepo.userIdsByIndex(this.d.db, index) : [];
      user = id === undefined ? null : await usersRepo.byId(this.d.db, id);
    }
    if (!user) throw notFound();
    return this.d.users.kyc(user);
  }

  list(filter: UserFilter, extended: boolean, page: number, limit: number): Promise<{ total: number; rows: AdminUserRow[] }> {
    return this.d.users.list(filter, { column: 'id', direction: 'asc' }, extended, page, limit);
  }

  async withLabel(f: LabelUserFilter, extended: boolean, page: number, limit: number): Promise<{ total: number; rows: AdminUserRow[] }> {
    const { total, users } = await managementUsersRepo.withLabel(this.d.db, f, page, limit);
    return { total, rows: await this.rows(users, extended) };
  }

  /** The user or 422 `user.doesnt_exist` (the management endpoints that write say so). */
  async existing(uid: string): Promise<User> {
    const user = await usersRepo.byUid(this.d.db, uid);
    if (!user) throw new ManagementError(422, 'user.doesnt_exist');
    return user;
  }

  async row(user: User): Promise<AdminUserRow> {
    const [r] = await this.rows([user], true);
    return r;
  }

  /**
   * users (create): a pending member; no confirmation mail, no session, no first-user rule.
   * Unknown referral → 422 `referral.doesnt_exist` (Barong answered 500).
   */
  async create(input: { email: string; password: string; referral_uid?: string }): Promise<User> {
    const { db } = this.d;
    let referral: User | null = null;
    if (input.referral_uid !== undefined) {
      referral = await usersRepo.byUid(db, input.referral_uid);
      if (!referral) throw new ManagementError(422, 'referral.doesnt_exist');
    }
    const email = normalizeEmail(input.email);
    const errors = [...emailErrors(email)];
    if (errors.length === 0 && (await usersRepo.emailTaken(db, email))) errors.push('email.taken');
    errors.push(...passwordErrors(input.password, this.d.passwordPolicy));
    if (!(await permissionsRepo.roleExists(db, 'member'))) errors.push('role.doesnt_exist');
    if (errors.length) modelFailure(new ModelError(errors));
    const passwordDigest = await this.d.hasher.hash(input.password);
    return this.insert({ email, passwordDigest, referralId: referral?.id ?? null, refUid: referral?.uid ?? null });
  }

  /** users/update: role and/or data, validated as models. */
  async update(uid: string, change: { role?: string; data?: string }): Promise<User> {
    const user = await this.existing(uid);
    const errors: string[] = [];
    if (change.role !== undefined && !(await permissionsRepo.roleExists(this.d.db, change.role))) errors.push('role.doesnt_exist');
    if (change.data !== undefined) errors.push(...dataErrors(change.data));
    if (errors.length) modelFailure(new ModelError(errors));
    const fields: { role?: string; data?: string } = {};
    if (change.role !== undefined && change.role !== user.role) fields.role = change.role;
    if (change.data !== undefined && change.data !== user.data) fields.data = change.data;
    if (Object.keys(fields).length === 0) return user;
    const updated = await this.d.db.tx(async (q) => {
      const saved = await usersRepo.update(q, user.id, fields);
      const refUid = saved.referralId ? await usersRepo.uidById(q, saved.referralId) : null;
      const changes: Record<string, unknown> = {};
      if (fields.role !== undefined) changes.role = user.role;
      if (fields.data !== undefined) changes.data = user.data;
      await this.d.events.emit(q, 'model.user.updated', userModelRecord(saved, refUid), changes);
      return saved;
    });
    this.d.events.committed();
    return updated;
  }

  /** Inserts a pending member with a ready digest (create, and import without validation); `then` runs in the same transaction. */
  async insert(u: { email: string; passwordDigest: string; referralId: number | null; refUid: string | null }, then?: (q: Queryable, user: User) => Promise<void>): Promise<User> {
    const user = await this.d.db.tx(async (q) => {
      let created: User;
      try {
        created = await usersRepo.insert(q, { uid: await this.freshUid(q), username: null, email: u.email, passwordDigest: u.passwordDigest, role: 'member', data: null, state: 'pending', referralId: u.referralId });
      } catch (e) {
        if (isUniqueViolation(e, 'index_users_on_email')) modelFailure(new ModelError(['email.taken']));
        throw e;
      }
      await this.d.events.emit(q, 'model.user.created', userModelRecord(created, u.refUid));
      await then?.(q, created);
      return created;
    });
    this.d.events.committed();
    return user;
  }

  private async rows(users: User[], withProfiles: boolean): Promise<AdminUserRow[]> {
    const refs = await referralUids(this.d.db, users);
    const profiles = withProfiles ? await adminUsersRepo.profilesOf(this.d.db, users.map((u) => u.id)) : [];
    return users.map((user) => ({
      user, referralUid: user.referralId === null ? null : refs.get(user.referralId) ?? null,
      ...(withProfiles ? { profiles: profiles.filter((p) => p.user_id === user.id) } : {}),
    }));
  }

  private async freshUid(q: Queryable): Promise<string> {
    for (;;) {
      const uid = generateUid(this.d.uidPrefix);
      if (!(await usersRepo.uidTaken(q, uid))) return uid;
    }
  }
}
