import { isUniqueViolation } from '../../db/db.js';
import { userEmailsRepo } from '../../db/repositories/user-emails.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import { CODE_MAIL_EVENTS, emitUserCode, userForm, withinMailLimits } from '../email-codes/code-mail.js';
import type { AccountProfile } from '../registration/account-profile.js';
import type { TokenAuthDeps } from '../token-auth/deps.js';
import { checkSecondFactor } from '../two-factor/second-factor-check.js';
import { tfaTypeOf } from '../two-factor/tfa-type.js';
import type { User } from '../users/user.js';
import { emailErrors, normalizeEmail, passwordErrors } from '../users/user-rules.js';

/**
 * A signed-in user changing his email or password with a mailed code, or his time zone. An email
 * change asks for the password (and second factor) again; its code goes to the new address
 * (proving it works) and the old one is told of the change.
 */
export class PersonalService {
  constructor(private readonly d: TokenAuthDeps, private readonly profile: AccountProfile) {}

  /**
   * The new address receives every later password-recovery and 2FA-reset mail, so an access
   * token alone (five minutes of a stolen session) must not move the account there: the
   * password is asked again, and the second factor when the user has one, with the sign-in's
   * rate limits and failure counting.
   */
  async requestEmailChange(user: User, input: { email: string; password: string; otp?: string }, ctx: RequestContext): Promise<void> {
    const { db, events, limiter, settings } = this.d.identity;
    const email = normalizeEmail(input.email);
    const errors = emailErrors(email);
    if (errors.length) throw new ModelError(errors);
    if (email.toLowerCase() === user.email.toLowerCase()) throw new AppError('personal.same_email');
    const checked = await this.d.credentials.check(user.email, input.password, ctx);
    const second = await checkSecondFactor({ secondFactor: this.d.identity.secondFactor, codes: this.d.codes }, user, await tfaTypeOf(db, user), input.otp, { ctx });
    if (second === 'missing') throw new AppError('auth.otp_required');
    if (second === 'invalid') {
      await this.d.credentials.secondFactorFailed(checked, ctx, 'OTP code is invalid');
      throw new AppError('auth.invalid_otp');
    }
    await this.d.credentials.succeeded(checked);
    if (await usersRepo.emailTaken(db, email)) throw new AppError('personal.email_taken');
    await withinMailLimits(limiter, settings.rates, 'email-change-mail', user.email, ctx.ip);
    await db.tx(async (q) => {
      // Keyed by the current address: a new request (to whatever address) replaces the last.
      const code = await this.d.codes.issue(q, 'email_change', user.email, user.id, email);
      await emitUserCode(events, q, user, { purpose: 'email_change', code, validMinutes: this.d.codes.validMinutes, domain: settings.domain, recipient: email });
    });
    events.committed();
  }

  async confirmEmailChange(user: User, input: { email: string; otp: string }, ctx: RequestContext): Promise<void> {
    const { db, events, activities, settings } = this.d.identity;
    const email = normalizeEmail(input.email);
    const row = await this.d.codes.consume('email_change', user.email, input.otp);
    if ((row.newValue ?? '').toLowerCase() !== email.toLowerCase()) throw new AppError('email_code.invalid');
    const previous = user.email;
    await db.tx(async (q) => {
      try {
        await userEmailsRepo.change(q, user.id, row.newValue!);
      } catch (err) {
        if (isUniqueViolation(err, 'index_users_on_email')) throw new AppError('personal.email_taken');
        throw err;
      }
      const updated = (await usersRepo.byId(q, user.id))!;
      const form = await userForm(q, updated);
      await events.emit(q, 'model.user.updated', form, { email: previous });
      await events.emit(q, CODE_MAIL_EVENTS.emailChanged, { user: form, recipient: previous, previous_email: previous, domain: settings.domain });
      await activities.record(q, ctx, { userId: user.id, topic: 'account', action: 'change email', result: 'succeed' });
    });
    events.committed();
  }

  async requestPasswordChange(user: User, ctx: RequestContext): Promise<void> {
    const { db, events, limiter, settings } = this.d.identity;
    await withinMailLimits(limiter, settings.rates, 'password-change-mail', user.email, ctx.ip);
    await db.tx(async (q) => {
      const code = await this.d.codes.issue(q, 'password_change', user.email, user.id);
      await emitUserCode(events, q, user, { purpose: 'password_change', code, validMinutes: this.d.codes.validMinutes, domain: settings.domain });
    });
    events.committed();
  }

  /** The new password; this device stays signed in, every other session and device ends. */
  async confirmPasswordChange(user: User, sid: string, input: { otp: string; password: string }, ctx: RequestContext): Promise<void> {
    const { db, events, activities, hasher, sessions, settings } = this.d.identity;
    const policy = passwordErrors(input.password, settings.passwordPolicy);
    if (policy.length) throw new ModelError(policy);
    if (await hasher.verify(user.passwordDigest, input.password)) throw new AppError('auth.same_password');
    await this.d.codes.consume('password_change', user.email, input.otp);
    const digest = await hasher.hash(input.password);
    await db.tx(async (q) => {
      const updated = await usersRepo.update(q, user.id, { passwordDigest: digest });
      await this.d.refresh.revokeAllFor(q, user.id, 'password_change', sid);
      await this.d.refresh.keepAfterPasswordChange(q, sid, updated);
      await activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'password change', result: 'succeed' });
      await events.emit(q, 'system.user.password.change', { user: await userForm(q, updated), domain: settings.domain });
    });
    events.committed();
    await sessions.destroyAllFor(user.uid);
  }

  async setTimezone(user: User, timezone: string): Promise<{ timezone: string }> {
    return { timezone: await this.profile.setTimezone(user, timezone) };
  }
}
