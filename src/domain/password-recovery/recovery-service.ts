import { emailCodesRepo } from '../../db/repositories/email-codes.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import { emitUserCode, userForm, withinMailLimits } from '../email-codes/code-mail.js';
import type { TokenAuthDeps } from '../token-auth/deps.js';
import { normalizeEmail, passwordErrors } from '../users/user-rules.js';

/**
 * Password recovery by mailed code: the request never tells whether the address has an
 * account; the confirmation sets the password and ends every session and device of the user.
 */
export class RecoveryService {
  constructor(private readonly d: TokenAuthDeps) {}

  async request(emailInput: string, ctx: RequestContext): Promise<void> {
    const { db, events, activities, limiter, settings } = this.d.identity;
    const email = normalizeEmail(emailInput);
    await withinMailLimits(limiter, settings.rates, 'recovery-mail', email, ctx.ip);
    const user = await usersRepo.byEmail(db, email);
    if (!user) return;
    await db.tx(async (q) => {
      const code = await this.d.codes.issue(q, 'recovery', user.email, user.id);
      await emitUserCode(events, q, user, { purpose: 'recovery', code, validMinutes: this.d.codes.validMinutes, domain: settings.domain });
      await activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'request password reset', result: 'succeed' });
    });
    events.committed();
  }

  async confirm(input: { email: string; otp: string; password: string }, ctx: RequestContext): Promise<void> {
    const { db, events, activities, hasher, sessions, settings } = this.d.identity;
    const user = await usersRepo.byEmail(db, normalizeEmail(input.email));
    // No account: the same answer as a wrong code, so this endpoint tells nothing either.
    if (!user) throw new AppError('email_code.invalid');
    // The policy first: a weak password must not burn the code.
    const policy = passwordErrors(input.password, settings.passwordPolicy);
    if (policy.length) throw new ModelError(policy);
    await this.d.codes.consume('recovery', user.email, input.otp);
    const digest = await hasher.hash(input.password);
    await db.tx(async (q) => {
      const updated = await usersRepo.update(q, user.id, { passwordDigest: digest });
      await this.d.refresh.revokeAllFor(q, user.id, 'password_recovery');
      await emailCodesRepo.discardFor(q, 'tfa', user.email);
      await activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'password reset', result: 'succeed' });
      await events.emit(q, 'system.user.password.reset', { user: await userForm(q, updated), domain: settings.domain });
    });
    events.committed();
    await sessions.destroyAllFor(user.uid);
  }
}
