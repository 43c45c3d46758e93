import type { Db } from '../../db/db.js';
import { profilesRepo, type ProfileRecord } from '../../db/repositories/profiles.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { PROFILE_STATE_CODES, type ProfileFields } from '../kyc/profiles-rules.js';
import type { ProtectingActor } from './users-admin-audit.js';

export interface ProfileReviewSettings {
  /** PROFILE_DOUBLE_VERIFICATION: the admin who created a profile may not verify it himself… */
  doubleVerification: boolean;
  /** …unless his role is one of these (PROFILE_VERIFICATION_ROLES). */
  verificationRoles: readonly string[];
}

export interface ProfilesAdminDeps { db: Db; profiles: ProfileService; settings: ProfileReviewSettings }

/** Who acts, and the front door's superadmin protection. */
export type ProfileActor = ProtectingActor;

const VERDICTS = ['verified', 'rejected'] as const;
type Verdict = (typeof VERDICTS)[number];

/**
 * Admin side of KYC profiles (BARONG.md §8.6) on top of the profile service (labels, state and
 * level recomputation, events). The admin activity is the permission check's (BARONG.md
 * §18.2), which keeps the names of the personal fields an admin set, never their values.
 */
export class ProfilesAdmin {
  constructor(private readonly d: ProfilesAdminDeps) {}

  /** Every profile, newest first. */
  list(page: number, limit: number): Promise<{ total: number; rows: ProfileRecord[] }> {
    return profilesRepo.search(this.d.db, {}, page, limit);
  }

  /**
   * Verifies or rejects the user's submitted profile. 404 (no user / nothing submitted) →
   * superadmin protection → second-admin rule → `state.inclusion` for anything but a verdict.
   */
  async review(who: ProfileActor, uid: string, state: string): Promise<ProfileRecord> {
    const user = uid ? await usersRepo.byUid(this.d.db, uid) : null;
    const submitted = user ? (await profilesRepo.search(this.d.db, { userId: user.id, state: PROFILE_STATE_CODES.submitted }, 1, 1)).rows[0] : undefined;
    if (!user || !submitted) throw new AppError('admin.profiles.doesnt_exist_or_not_editable');
    who.protect(user);
    const s = this.d.settings;
    if (s.doubleVerification && submitted.author === who.admin.uid && !s.verificationRoles.includes(who.admin.role)) {
      throw new AppError('admin.profiles.second_admin_approval');
    }
    if (!(VERDICTS as readonly string[]).includes(state)) throw new ModelError(['state.inclusion']);
    const row = await this.d.profiles.review(user, state as Verdict);
    if (!row) throw new AppError('admin.profiles.doesnt_exist_or_not_editable');
    return row;
  }

  /** A `submitted` profile authored by the admin (model errors 422, `state.exists`). */
  async create(who: ProfileActor, uid: string, fields: ProfileFields): Promise<ProfileRecord> {
    const user = uid ? await usersRepo.byUid(this.d.db, uid) : null;
    if (!user) throw new AppError('admin.user.doesnt_exist');
    who.protect(user);
    return this.d.profiles.adminCreate(user, who.admin.uid, fields);
  }
}
