import { AppError } from '../../errors/app-error.js';
import { userWithListsByEmail } from '../../db/repositories/kyc-lists.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { EmailCodes } from '../email-codes/email-codes.js';
import { userEventForm } from '../events/event-log.js';
import { checkSecondFactor } from '../two-factor/second-factor-check.js';
import { tfaTypeFrom, type TfaType } from '../two-factor/tfa-type.js';
import type { User } from '../users/user.js';
import type { AccountService, OpenedSession } from './account-service.js';
import type { IdentityDeps } from './deps.js';

const STATE_FAILURES: Record<string, { key: 'identity.session.banned' | 'identity.session.deleted'; reason: string }> = {
  banned: { key: 'identity.session.banned', reason: 'Your account is banned' },
  deleted: { key: 'identity.session.deleted', reason: 'Your account is deleted' },
};

/**
 * Login and logout (BARONG.md §5.13–§5.14 with Warden's fix #3: the password is checked
 * before the account state, so a state is only revealed to someone who knows the password).
 * The second factor is the user's whatever door set it: an authenticator (`users.otp`) or
 * codes by mail (chosen on the NBC door), so no door opens a session on the password alone.
 */
export class LoginService {
  constructor(private readonly d: IdentityDeps, private readonly accounts: AccountService, private readonly codes: EmailCodes) {}

  async login(input: { email: string; password: string; otpCode?: string }, ctx: RequestContext): Promise<OpenedSession> {
    const { db, limiter, settings } = this.d;
    const account = input.email.trim().toLowerCase();
    const limits = await limiter.hitAndPeek(
      { bucket: 'login-ip', id: ctx.ip, rule: settings.rates.loginIp },
      { bucket: 'login-fail', id: account, rule: settings.rates.loginAccount },
    );
    if (!limits.withinHit || limits.peekExhausted) throw new AppError('identity.session.too_many_requests');
    const found = await userWithListsByEmail(db, input.email);
    const user = found?.user;
    if (!found || !user) {
      await this.d.hasher.verifyDummy(input.password);
      await limiter.hit('login-fail', account, settings.rates.loginAccount);
      throw new AppError('identity.session.invalid_params');
    }
    if (!(await this.d.hasher.verify(user.passwordDigest, input.password))) {
      await limiter.hit('login-fail', account, settings.rates.loginAccount);
      await this.fail(user, ctx, 'login', 'Invalid Email or Password');
      throw new AppError('identity.session.invalid_params');
    }
    const stateFailure = STATE_FAILURES[user.state];
    if (stateFailure) {
      await this.fail(user, ctx, 'login', stateFailure.reason);
      throw new AppError(stateFailure.key);
    }
    if (user.state !== 'active' && user.state !== 'pending') {
      await this.fail(user, ctx, 'login', 'Your account is not active');
      throw new AppError('identity.session.not_active');
    }
    let action = 'login';
    const type = tfaTypeFrom(user, found.emailCodes); // read by the user lookup: no query of its own
    if (type !== 'none') {
      const second = await this.secondFactor(user, type, input.otpCode, ctx);
      if (second === 'missing') throw new AppError('identity.session.missing_otp');
      if (second === 'invalid') {
        await limiter.hit('login-fail', account, settings.rates.loginAccount);
        await this.fail(user, ctx, 'login::2fa', 'OTP code is invalid');
        throw new AppError('identity.session.invalid_otp');
      }
      action = 'login::2fa';
    }
    if (limits.peekUsed) await limiter.reset('login-fail', account);
    const current = await this.upgradeHash(user, input.password);
    // The activity and the event go in one statement (one round trip, one commit); the rest of
    // what a login changes is the session, in the key-value store.
    await this.d.events.emitWithActivity(db, 'system.session.create',
      { user: userEventForm(current, found.lists.referral_uid), user_ip: ctx.ip, user_agent: ctx.userAgent },
      this.d.activities.entry(ctx, { userId: user.id, topic: 'session', action, result: 'succeed' }));
    this.d.events.committed();
    return this.accounts.openSession(current, ctx, found.lists);
  }

  async logout(sessionId: string | undefined, ctx: RequestContext): Promise<void> {
    const session = await this.d.sessions.read(sessionId);
    const user = session ? await usersRepo.byUid(this.d.db, session.uid) : null;
    if (!session || !user) throw new AppError('identity.session.not_found');
    await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'session', action: 'logout', result: 'succeed' });
    await this.d.sessions.destroy(sessionId!, user.uid);
  }

  /**
   * The shared check (the NBC sign-in's too). This door has no words for an expired or spent
   * mailed code: like any wrong code it is `invalid_otp`, and the client asks for a new one.
   */
  private async secondFactor(user: User, type: TfaType, code: string | undefined, ctx: RequestContext) {
    try {
      return await checkSecondFactor({ secondFactor: this.d.secondFactor, codes: this.codes }, user, type, code, { allowRecoveryCode: true, ctx });
    } catch (err) {
      if (err instanceof AppError && err.keys[0].startsWith('email_code.')) return 'invalid';
      throw err;
    }
  }

  private async fail(user: User, ctx: RequestContext, action: string, reason: string): Promise<void> {
    await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'session', action, result: 'failed', reason });
  }

  /** Imported bcrypt digests (or older argon2 parameters) are re-hashed at a successful login. */
  private async upgradeHash(user: User, password: string): Promise<User> {
    if (!this.d.hasher.needsRehash(user.passwordDigest)) return user;
    const digest = await this.d.hasher.hash(password);
    return usersRepo.update(this.d.db, user.id, { passwordDigest: digest });
  }
}
