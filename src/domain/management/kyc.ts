import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { phonesRepo, type PhoneRecord } from '../../db/repositories/phones.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import { normalizePhone } from '../kyc/phones-rules.js';
import type { Pii } from '../kyc/pii.js';
import { isProfileState, type ProfileFields } from '../kyc/profiles-rules.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import type { User } from '../users/user.js';
import { ManagementError } from './errors.js';
import { modelFailure, type ManagementUsers } from './users.js';

export interface ImportInput {
  email: string; password_digest: string; referral_uid?: string; phone?: string; state?: string; profile: ProfileFields;
}

/** Phones, profiles and the Barong user import of the management API (BARONG.md §9.2). */
export class ManagementKyc {
  constructor(private readonly d: { db: Db; pii: Pii; profiles: ProfileService; users: ManagementUsers; now: () => number }) {}

  async phones(uid: string): Promise<PhoneRecord[]> {
    return phonesRepo.forUser(this.d.db, (await this.d.users.existing(uid)).id);
  }

  /** A validated phone (no code, no `phone` label: the caller vouches for it). */
  async addPhone(uid: string, number: string): Promise<PhoneRecord> {
    const user = await this.d.users.existing(uid);
    const phone = normalizePhone(number);
    if (!phone) throw new ManagementError(400, 'management.phone.invalid_num');
    const index = this.d.pii.blindIndex(phone.digits)!;
    if (await phonesRepo.verifiedExists(this.d.db, index)) throw new ManagementError(400, 'management.phone.number_exist');
    if (await phonesRepo.ownByIndex(this.d.db, user.id, index)) throw new ManagementError(400, 'management.phone.exists');
    return this.insertValidated(user, phone.country, phone.digits, index, () => new ManagementError(400, 'management.phone.exists'));
  }

  async removePhone(uid: string, number: string): Promise<PhoneRecord> {
    const user = await this.d.users.existing(uid);
    const phone = normalizePhone(number);
    const own = phone ? await phonesRepo.ownByIndex(this.d.db, user.id, this.d.pii.blindIndex(phone.digits)!) : null;
    if (!own) throw new ManagementError(422, 'management.phone.doesnt_exists');
    await phonesRepo.removeById(this.d.db, own.id);
    return own;
  }

  /** profiles: a profile in the state given (`drafted` by default). */
  async createProfile(uid: string, fields: ProfileFields, state: string | undefined): Promise<User> {
    const user = await this.d.users.existing(uid);
    await this.profile(user, fields, state);
    return (await usersRepo.byId(this.d.db, user.id)) ?? user;
  }

  /**
   * users/import: a user carried over from Barong with his bcrypt digest (he signs in with his
   * old password; Warden re-hashes it then). As in Barong, each step stands on its own: a bad
   * phone or profile answers 422 and leaves what was created before it.
   */
  async importUser(input: ImportInput): Promise<User> {
    if (await usersRepo.byEmail(this.d.db, input.email.trim().toLowerCase())) throw new ManagementError(422, 'User already exists by this email');
    let referral: User | null = null;
    if (input.referral_uid !== undefined) {
      referral = await usersRepo.byUid(this.d.db, input.referral_uid);
      if (!referral) throw new ManagementError(422, 'referral.doesnt_exist');
    }
    const user = await this.d.users.insert({ email: input.email.trim().toLowerCase(), passwordDigest: input.password_digest, referralId: referral?.id ?? null, refUid: referral?.uid ?? null });
    if (input.phone !== undefined) {
      const phone = normalizePhone(input.phone);
      if (!phone) throw new ManagementError(422, ['Number is invalid']);
      const index = this.d.pii.blindIndex(phone.digits)!;
      await this.insertValidated(user, phone.country, phone.digits, index, () => new ManagementError(422, ['Number has already been taken']));
    }
    await this.profile(user, input.profile, input.state);
    return (await usersRepo.byId(this.d.db, user.id)) ?? user;
  }

  private async profile(user: User, fields: ProfileFields, state: string | undefined): Promise<void> {
    if (state !== undefined && !isProfileState(state)) throw new ManagementError(422, ['State is not included in the list']);
    try {
      await this.d.profiles.createInState(user, fields, (state as Parameters<ProfileService['createInState']>[2] | undefined) ?? 'drafted');
    } catch (e) {
      modelFailure(e);
    }
  }

  private async insertValidated(user: User, country: string, digits: string, index: string, taken: () => ManagementError): Promise<PhoneRecord> {
    try {
      return await this.d.db.tx(async (q) => {
        const created = await phonesRepo.insert(q, {
          userId: user.id, country, numberEncrypted: this.d.pii.encryptField(digits)!, numberIndex: index, digest: null, expiresAt: null, channel: 'sms',
        });
        await phonesRepo.markVerified(q, created.id, new Date(this.d.now()));
        return (await phonesRepo.ownByIndex(q, user.id, index)) ?? created;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      if (e instanceof ModelError) modelFailure(e);
      throw e;
    }
  }
}
