import { accountDetailsRepo } from '../../db/repositories/account-details.js';
import { businessesRepo } from '../../db/repositories/businesses.js';
import { countriesRepo } from '../../db/repositories/countries.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userModelRecord } from '../events/event-log.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { User } from '../users/user.js';
import { canonicalLanguage, canonicalPhone, canonicalTimezone, dataWithLanguage, textErrors } from './details-rules.js';

export interface DetailsInput { name: string; surname: string; phone?: string; country?: string; language?: string; timezone?: string }
export interface BusinessInput { companyName: string; type: string; subtype: string; country: string }

/**
 * A user's personal details (sign-up "user" step, time zone) and the business he registers
 * for (sign-up "owner" step). Invalid fields are reported together as `<field>.<reason>`.
 */
export class AccountProfile {
  constructor(private readonly d: IdentityDeps) {}

  async updateDetails(user: User, input: DetailsInput, ctx: RequestContext): Promise<void> {
    const { db, events, activities } = this.d;
    const errors = [...textErrors('name', input.name, 100), ...textErrors('surname', input.surname, 100)];
    const phone = input.phone === undefined ? undefined : canonicalPhone(input.phone);
    if (phone === null) errors.push('phone.invalid');
    const language = input.language === undefined ? undefined : canonicalLanguage(input.language);
    if (language === null) errors.push('language.invalid');
    const timezone = input.timezone === undefined ? undefined : canonicalTimezone(input.timezone);
    if (timezone === null) errors.push('timezone.invalid');
    const country = input.country === undefined ? undefined : await this.countryCode(input.country, 'country', errors);
    if (errors.length) throw new ModelError(errors);
    await db.tx(async (q) => {
      await accountDetailsRepo.upsert(q, user.id, {
        name: input.name.trim(), surname: input.surname.trim(), phone, country: country ?? undefined, language, timezone,
      });
      if (language) {
        // Mails follow the language chosen here (the mailer reads users.data.language).
        const locked = (await usersRepo.lockById(q, user.id))!;
        const data = dataWithLanguage(locked.data, language);
        if (data !== null && data !== locked.data) {
          const updated = await usersRepo.update(q, user.id, { data });
          const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
          await events.emit(q, 'model.user.updated', userModelRecord(updated, refUid), { data: locked.data });
        }
      }
      await activities.record(q, ctx, { userId: user.id, topic: 'account', action: 'update personal details', result: 'succeed' });
    });
    events.committed();
  }

  async updateBusiness(user: User, input: BusinessInput, ctx: RequestContext): Promise<void> {
    const errors = [...textErrors('companyName', input.companyName, 255), ...textErrors('type', input.type, 64), ...textErrors('subtype', input.subtype, 64)];
    const country = await this.countryCode(input.country, 'country', errors);
    if (errors.length || !country) throw new ModelError(errors);
    await this.d.db.tx(async (q) => {
      await businessesRepo.upsert(q, { ownerId: user.id, companyName: input.companyName.trim(), type: input.type.trim(), subtype: input.subtype.trim(), country });
      await this.d.activities.record(q, ctx, { userId: user.id, topic: 'account', action: 'update business', result: 'succeed' });
    });
  }

  async setTimezone(user: User, input: string): Promise<string> {
    const timezone = canonicalTimezone(input);
    if (!timezone) throw new ModelError(['timezone.invalid']);
    await accountDetailsRepo.upsert(this.d.db, user.id, { timezone });
    return timezone;
  }

  /** Which sign-up steps this user has behind him. */
  async progress(user: User): Promise<{ emailVerified: boolean; detailsDone: boolean; businessDone: boolean }> {
    const [label, details, business] = await Promise.all([
      labelsRepo.find(this.d.db, user.id, 'email', 'private'),
      accountDetailsRepo.get(this.d.db, user.id),
      businessesRepo.ofOwner(this.d.db, user.id),
    ]);
    return { emailVerified: label?.value === 'verified', detailsDone: !!details?.name && !!details.surname, businessDone: !!business };
  }

  /** An ISO alpha-2 code of the countries table (any case), or null with `<field>.invalid` pushed. */
  private async countryCode(input: string, field: string, errors: string[]): Promise<string | null> {
    const code = /^[A-Za-z]{2}$/.test(input.trim()) ? (await countriesRepo.byCode(this.d.db, input.trim()))?.code ?? null : null;
    if (!code) errors.push(`${field}.invalid`);
    return code;
  }
}
