import { randomInt } from 'node:crypto';
import { isUniqueViolation, type Db } from '../../db/db.js';
import { phonesRepo, type PhoneRecord } from '../../db/repositories/phones.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/keys.js';
import { safeEqual } from '../../lib/timing-safe.js';
import { SmsDeliveryError, type SmsChannel, type SmsProvider } from '../../infra/sms/port.js';
import type { RateLimiter, Rule } from '../auth/rate-limiter.js';
import type { EventLog } from '../events/event-log.js';
import { loadUserView, type UserView } from '../identity/user-view.js';
import type { LabelService } from '../labels/label-service.js';
import type { User } from '../users/user.js';
import type { Pii } from './pii.js';
import { normalizePhone, smsErrorKey, type NormalizedPhone } from './phones-rules.js';

export interface PhoneSettings {
  /** Seconds a code stays valid. */
  codeLifetime: number;
  /** Wrong codes accepted before a new code must be sent. */
  maxAttempts: number;
  /** Codes sent per user (add + send_code). */
  sendRate: Rule;
}

export interface PhoneDeps {
  db: Db; labels: LabelService; events: EventLog; pii: Pii; sms: SmsProvider; limiter: RateLimiter;
  settings: PhoneSettings; now: () => number;
}

const CODE_PURPOSE = 'phone-code';

/**
 * Phone verification (BARONG.md §2.5, §7.7, §17.1). Numbers are sealed with a blind index;
 * Warden's 5-digit codes (log provider) are stored as a keyed digest, expire and allow
 * `maxAttempts` wrong tries; with Twilio Verify the code never reaches Warden. Sending is rate
 * limited per user. A verified number gives the private label `phone=verified` (level 2 by
 * default) and cannot be verified by anybody else.
 */
export class PhoneService {
  constructor(private readonly d: PhoneDeps) {}

  list(user: User): Promise<PhoneRecord[]> {
    return phonesRepo.forUser(this.d.db, user.id);
  }

  /** Adds an unverified number and sends its code; returns the channel used. */
  async add(user: User, phoneNumber: string, channel: SmsChannel): Promise<SmsChannel> {
    const { phone, index } = await this.checked(phoneNumber);
    if (await phonesRepo.ownByIndex(this.d.db, user.id, index)) throw new AppError('resource.phone.exists');
    await this.limit(user);
    let created: PhoneRecord;
    try {
      created = await phonesRepo.insert(this.d.db, {
        userId: user.id, country: phone.country, numberEncrypted: this.d.pii.encryptField(phone.digits)!, numberIndex: index,
        digest: null, expiresAt: null, channel,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('resource.phone.exists');
      throw err;
    }
    await this.deliver(created, phone, channel);
    return channel;
  }

  /** A new code for a number the caller holds (the old one stops working). */
  async sendCode(user: User, phoneNumber: string, channel: SmsChannel): Promise<SmsChannel> {
    const { phone, index } = await this.checked(phoneNumber);
    const own = await phonesRepo.ownByIndex(this.d.db, user.id, index);
    if (!own) throw new AppError('resource.phone.doesnt_exist');
    await this.limit(user);
    await this.deliver(own, phone, channel);
    return channel;
  }

  /** Checks the code; on success the number is verified and `phone=verified` set. */
  async verify(user: User, phoneNumber: string, code: string): Promise<UserView> {
    const { phone, index } = await this.checked(phoneNumber);
    const own = await phonesRepo.ownByIndex(this.d.db, user.id, index);
    if (!own) throw new AppError('resource.phone.doesnt_exist');
    // The attempt is spent before the code is looked at, so parallel guesses share one budget.
    const pending = await phonesRepo.spendAttempt(this.d.db, own.id, new Date(this.d.now()), this.d.settings.maxAttempts);
    if (!pending || !(await this.codeIsRight(own, phone, pending.digest, code.trim()))) throw new AppError('resource.phone.verification_invalid');
    const updated = await this.d.db.tx(async (q) => {
      const locked = (await usersRepo.lockById(q, user.id)) ?? user;
      try {
        if (!(await phonesRepo.markVerified(q, own.id, new Date(this.d.now())))) throw new AppError('resource.phone.verification_invalid');
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('resource.phone.number_exist');
        throw err;
      }
      return this.d.labels.setPrivate(q, locked, 'phone', 'verified');
    });
    this.d.events.committed();
    return loadUserView(this.d.db, updated);
  }

  /** Steps 1–2 of §7.7: a valid number nobody has verified yet. */
  private async checked(phoneNumber: string): Promise<{ phone: NormalizedPhone; index: string }> {
    const phone = normalizePhone(phoneNumber);
    if (!phone) throw new AppError('resource.phone.invalid_num');
    const index = this.d.pii.blindIndex(phone.digits)!;
    if (await phonesRepo.verifiedExists(this.d.db, index)) throw new AppError('resource.phone.number_exist');
    return { phone, index };
  }

  private async limit(user: User): Promise<void> {
    if (!(await this.d.limiter.hit('phone_code', user.uid, this.d.settings.sendRate))) throw new AppError('resource.phone.too_many_requests');
  }

  /**
   * Issues a fresh code (the previous one stops working, attempts restart) and sends it. Warden
   * makes a 5-digit code only when the provider does not make its own; only its digest, bound
   * to the phone row, is stored.
   */
  private async deliver(phone: PhoneRecord, n: NormalizedPhone, channel: SmsChannel): Promise<void> {
    const code = this.d.sms.checksCodes ? null : String(randomInt(0, 100_000)).padStart(5, '0');
    await phonesRepo.newCode(this.d.db, phone.id, {
      digest: code === null ? null : this.d.pii.digest(CODE_PURPOSE, `${phone.id}:${code}`),
      expiresAt: new Date(this.d.now() + this.d.settings.codeLifetime * 1000), channel,
    });
    try {
      await this.d.sms.sendCode(n.e164, channel, code);
    } catch (err) {
      if (err instanceof SmsDeliveryError) throw new AppError(smsErrorKey(err.providerCode) as ErrorKey, { cause: err });
      throw err;
    }
  }

  private async codeIsRight(phone: PhoneRecord, n: NormalizedPhone, digest: string | null, code: string): Promise<boolean> {
    if (this.d.sms.checksCodes) {
      try {
        return await this.d.sms.checkCode(n.e164, code);
      } catch (err) {
        if (err instanceof SmsDeliveryError) throw new AppError('resource.phone.twilio_unexpected', { cause: err });
        throw err;
      }
    }
    if (digest === null || !/^\d{5}$/.test(code)) return false;
    return safeEqual(this.d.pii.digest(CODE_PURPOSE, `${phone.id}:${code}`), digest);
  }
}
