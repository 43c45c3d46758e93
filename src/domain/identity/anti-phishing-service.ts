import { AppError } from '../../errors/app-error.js';
import { antiPhishingRepo } from '../../db/repositories/anti-phishing.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { User } from '../users/user.js';
import type { IdentityDeps } from './deps.js';

export interface Sealer {
  encrypt(plain: string): string;
}

/** 4–32 letters, digits, spaces and a little punctuation; no markup, no control characters. */
const PHRASE = /^[\p{L}\p{N}][\p{L}\p{N} _.,!?@#%*+=:-]{2,30}[\p{L}\p{N}!?.]$/u;

export function validAntiPhishingPhrase(phrase: string): boolean {
  return PHRASE.test(phrase);
}

/**
 * The anti-phishing code: a phrase the user picks and every mail Warden sends him shows, so a
 * mail without it is not ours. Stored sealed (AES-256-GCM). Setting or removing it needs the
 * password (and the 2FA code when 2FA is on): a stolen session alone cannot plant a phrase the
 * attacker then shows in his phishing mails.
 */
export class AntiPhishingService {
  constructor(private readonly d: IdentityDeps, private readonly sealer: Sealer) {}

  async enabled(user: User): Promise<boolean> {
    return (await antiPhishingRepo.get(this.d.db, user.id)) !== null;
  }

  async set(user: User, input: { phrase: string | null; password: string; otpCode?: string }, ctx: RequestContext): Promise<void> {
    const phrase = input.phrase === null ? null : input.phrase.trim();
    if (phrase !== null && !validAntiPhishingPhrase(phrase)) throw new AppError('resource.user.invalid_phrase');
    const action = phrase === null ? 'remove anti-phishing code' : 'set anti-phishing code';
    const fail = async (reason: string, key: 'resource.user.invalid_password' | 'resource.user.missing_otp_code' | 'resource.user.invalid_otp') => {
      await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'account', action, result: 'failed', reason });
      throw new AppError(key);
    };
    if (!(await this.d.hasher.verify(user.passwordDigest, input.password))) await fail('Invalid password', 'resource.user.invalid_password');
    if (user.otp) {
      if (!input.otpCode || input.otpCode.trim() === '') await fail('Missing OTP code', 'resource.user.missing_otp_code');
      else if (!(await this.d.secondFactor.verify(user, input.otpCode))) await fail('OTP code is invalid', 'resource.user.invalid_otp');
    }
    await this.d.db.tx(async (q) => {
      await antiPhishingRepo.set(q, user.id, phrase === null ? null : this.sealer.encrypt(phrase));
      await this.d.activities.record(q, ctx, { userId: user.id, topic: 'account', action, result: 'succeed' });
    });
  }
}
