import { isUniqueViolation, type Db, type Queryable } from '../../db/db.js';
import { profilesRepo, type ProfileRecord, type SealedProfileColumns } from '../../db/repositories/profiles.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { userEventForm, withoutNulls, isoSeconds } from '../events/event-log.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { User } from '../users/user.js';
import type { Pii } from './pii.js';
import {
  PROFILE_FIELDS, PROFILE_STATE_CODES, normalizeProfileFields, profileErrors, profileStateName, utcDay,
  type ProfileFields, type ProfileState,
} from './profiles-rules.js';

export interface ProfileDeps { db: Db; labels: LabelService; events: EventLog; pii: Pii; now: () => number }

/** A profile opened for admins and the provider: plain fields (never rendered to users as is). */
export interface PlainProfile {
  id: number; userId: number; author: string | null; applicantId: string | null; state: ProfileState;
  first_name: string | null; last_name: string | null; dob: string | null; address: string | null;
  postcode: string | null; city: string | null; country: string | null; metadata: string | null;
  createdAt: Date; updatedAt: Date;
}

/** Which sealed column holds each personal field; country and metadata stay plain. */
const SEALED: Partial<Record<keyof ProfileFields, keyof SealedProfileColumns>> = {
  first_name: 'first_name_encrypted', last_name: 'last_name_encrypted', dob: 'dob_encrypted',
  address: 'address_encrypted', postcode: 'postcode_encrypted', city: 'city_encrypted',
};
const INDEXED: Partial<Record<keyof ProfileFields, keyof SealedProfileColumns>> = {
  first_name: 'first_name_index', last_name: 'last_name_index', dob: 'dob_index',
};

/**
 * KYC profiles (BARONG.md §2.4, §7.4, §17.3): drafted → (confirm) submitted → verified |
 * rejected. Personal fields are sealed at rest with blind indexes on names and dob; after every
 * change the private `profile` label mirrors the state (state and level recomputed) and
 * `model.profile.created/updated` is written in the same transaction.
 */
export class ProfileService {
  constructor(private readonly d: ProfileDeps) {}

  list(user: User): Promise<ProfileRecord[]> {
    return profilesRepo.forUser(this.d.db, user.id);
  }

  /** A new profile, `submitted` when confirmed; `state.exists` while another is drafted/submitted. */
  create(user: User, fields: ProfileFields, confirm: boolean): Promise<ProfileRecord> {
    return this.createAs(user, fields, confirm ? 'submitted' : 'drafted', null);
  }

  /** Edits the drafted profile; 404 `resource.profile.doesnt_exist_or_not_editable` otherwise. */
  async update(user: User, fields: ProfileFields, confirm: boolean): Promise<ProfileRecord> {
    const clean = this.validated(fields);
    return this.write(user, async (q, u) => {
      const draft = await profilesRepo.lockedInState(q, u.id, PROFILE_STATE_CODES.drafted);
      if (!draft) throw new AppError('resource.profile.doesnt_exist_or_not_editable');
      return this.change(q, u, draft, clean, confirm ? 'submitted' : undefined);
    });
  }

  /** Management-created profiles (BARONG.md §9.2): in the state given (`drafted` by default), no author. */
  createInState(user: User, fields: ProfileFields, state: ProfileState): Promise<ProfileRecord> {
    return this.createAs(user, fields, state, null);
  }

  /** Admin-created profiles start `submitted` with the admin as author (BARONG.md §8.6). */
  adminCreate(user: User, authorUid: string, fields: ProfileFields): Promise<ProfileRecord> {
    return this.createAs(user, fields, 'submitted', authorUid);
  }

  /**
   * Moves the user's `submitted` profile to `verified` or `rejected` (admin review, KYC
   * provider); null when he has none (the caller answers with its own 404 key).
   */
  async review(user: User, state: Extract<ProfileState, 'verified' | 'rejected'>, opts: { applicantId?: string } = {}): Promise<ProfileRecord | null> {
    return this.writeMaybe(user, async (q, u) => {
      const submitted = await profilesRepo.lockedInState(q, u.id, PROFILE_STATE_CODES.submitted);
      if (!submitted) return null;
      return this.change(q, u, submitted, {}, state, opts.applicantId);
    });
  }

  /** Opens a stored profile (admin entities, provider applicant). */
  open(r: ProfileRecord): PlainProfile {
    const p = this.d.pii;
    return {
      id: r.id, userId: r.user_id, author: r.author, applicantId: r.applicant_id, state: profileStateName(r.state),
      first_name: p.decryptField(r.first_name_encrypted), last_name: p.decryptField(r.last_name_encrypted), dob: p.decryptField(r.dob_encrypted),
      address: p.decryptField(r.address_encrypted), postcode: p.decryptField(r.postcode_encrypted), city: p.decryptField(r.city_encrypted),
      country: r.country, metadata: r.metadata, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
    };
  }

  /** Users whose profiles match exactly (names and dob compared through their blind index). */
  findUserIds(f: { firstName?: string; lastName?: string; dob?: string; country?: string }): Promise<number[]> {
    const idx = (v?: string) => (v === undefined ? undefined : this.d.pii.blindIndex(v) ?? '');
    return profilesRepo.userIds(this.d.db, { firstNameIndex: idx(f.firstName), lastNameIndex: idx(f.lastName), dobIndex: idx(f.dob), country: f.country });
  }

  private async createAs(user: User, fields: ProfileFields, state: ProfileState, author: string | null): Promise<ProfileRecord> {
    const clean = this.validated(fields);
    return this.write(user, async (q, u) => {
      if (await profilesRepo.hasOpen(q, u.id)) throw new ModelError(['state.exists']);
      let row: ProfileRecord;
      try {
        row = await profilesRepo.insert(q, u.id, { ...this.seal(clean), state: PROFILE_STATE_CODES[state], author });
      } catch (err) {
        if (isUniqueViolation(err, 'index_profiles_one_open_per_user')) throw new ModelError(['state.exists']);
        throw err;
      }
      await this.d.events.emit(q, 'model.profile.created', await this.eventRecord(q, u, row));
      await this.d.labels.setPrivate(q, u, 'profile', state);
      return row;
    });
  }

  private async change(q: Queryable, user: User, before: ProfileRecord, fields: ProfileFields, state?: ProfileState, applicantId?: string): Promise<ProfileRecord> {
    const cols: SealedProfileColumns = this.seal(fields);
    if (state !== undefined && PROFILE_STATE_CODES[state] !== before.state) cols.state = PROFILE_STATE_CODES[state];
    if (applicantId !== undefined) cols.applicant_id = applicantId;
    const plainBefore = this.open(before);
    const changes: Record<string, unknown> = {};
    for (const k of PROFILE_FIELDS) if (fields[k] !== undefined && fields[k] !== plainBefore[k]) changes[k] = plainBefore[k];
    if (cols.state !== undefined) changes.state = plainBefore.state;
    if (Object.keys(changes).length === 0 && applicantId === undefined) return before;
    const row = await profilesRepo.update(q, before.id, cols);
    if (Object.keys(changes).length) {
      await this.d.events.emit(q, 'model.profile.updated', await this.eventRecord(q, user, row), withoutNulls(changes));
    }
    if (cols.state !== undefined) await this.d.labels.setPrivate(q, user, 'profile', profileStateName(row.state));
    return row;
  }

  private validated(fields: ProfileFields): ProfileFields {
    const clean = normalizeProfileFields(fields);
    const errors = profileErrors(clean, utcDay(this.d.now()));
    if (errors.length) throw new ModelError(errors);
    return clean;
  }

  private seal(f: ProfileFields): SealedProfileColumns {
    const cols: Record<string, string | null> = {};
    for (const k of PROFILE_FIELDS) {
      const v = f[k];
      if (v === undefined) continue;
      const sealedCol = SEALED[k];
      if (sealedCol) cols[sealedCol] = this.d.pii.encryptField(v);
      else cols[k] = v;
      const indexCol = INDEXED[k];
      if (indexCol) cols[indexCol] = this.d.pii.blindIndex(v);
    }
    return cols as SealedProfileColumns;
  }

  /** Barong's profile event form: unmasked fields, nulls removed (§13.2). */
  private async eventRecord(q: Queryable, user: User, row: ProfileRecord): Promise<Record<string, unknown>> {
    const p = this.open(row);
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    return withoutNulls({
      user: userEventForm(user, refUid), first_name: p.first_name, last_name: p.last_name, dob: p.dob, address: p.address,
      postcode: p.postcode, city: p.city, country: p.country, metadata: p.metadata,
      created_at: isoSeconds(p.createdAt), updated_at: isoSeconds(p.updatedAt),
    });
  }

  private async write(user: User, fn: (q: Queryable, u: User) => Promise<ProfileRecord>): Promise<ProfileRecord> {
    return (await this.writeMaybe(user, fn))!;
  }

  /** One transaction with the user row locked (serialises label recomputation), then wake consumers. */
  private async writeMaybe<T>(user: User, fn: (q: Queryable, u: User) => Promise<T>): Promise<T> {
    const out = await this.d.db.tx(async (q) => fn(q, (await usersRepo.lockById(q, user.id)) ?? user));
    this.d.events.committed();
    return out;
  }
}
