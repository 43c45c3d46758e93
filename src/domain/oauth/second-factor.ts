import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { EmailCodes } from '../email-codes/email-codes.js';
import type { IdentityDeps } from '../identity/deps.js';
import { checkSecondFactor } from '../two-factor/second-factor-check.js';
import { tfaTypeOf, type TfaType } from '../two-factor/tfa-type.js';
import type { User } from '../users/user.js';

/** The NBC door's mailed codes: the store that checks them and the service that mails them. */
export interface MailedCodes {
  codes: EmailCodes;
  signIn: { mailCode(user: User, ctx: RequestContext): Promise<void> };
}

/**
 * The second factor at social sign-in, as at password login (LoginService): the user's type
 * (authenticator or codes by mail, whichever door chose it) and the same check. A provider
 * account proves no more than a password does, so neither opens a session without it.
 */
export class SocialSecondFactor {
  constructor(private readonly d: IdentityDeps, private readonly mailed: MailedCodes) {}

  typeOf(user: User): Promise<TfaType> {
    return tfaTypeOf(this.d.db, user);
  }

  /**
   * Like password login, an expired or spent mailed code is just a wrong code (`invalid_otp`);
   * the client starts over to get a new one.
   */
  async check(user: User, type: TfaType, code: string | undefined, ctx: RequestContext): Promise<'ok' | 'missing' | 'invalid'> {
    try {
      return await checkSecondFactor({ secondFactor: this.d.secondFactor, codes: this.mailed.codes }, user, type, code, { allowRecoveryCode: true, ctx });
    } catch (err) {
      if (err instanceof AppError && err.keys[0].startsWith('email_code.')) return 'invalid';
      throw err;
    }
  }

  /**
   * Mails a sign-in code (within the mail limits; false beyond them). Social sign-in mails it
   * itself: a user who signs in through a provider may have no password to ask for one with.
   */
  async mail(user: User, ctx: RequestContext): Promise<boolean> {
    try {
      await this.mailed.signIn.mailCode(user, ctx);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.keys[0] === 'email_code.too_many_requests') return false;
      throw err;
    }
  }
}
