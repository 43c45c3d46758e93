import { AppError } from '../../errors/app-error.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { User } from '../users/user.js';

const STATE_FAILURES: Record<string, { key: 'auth.account_banned' | 'auth.account_deleted'; reason: string }> = {
  banned: { key: 'auth.account_banned', reason: 'Your account is banned' },
  deleted: { key: 'auth.account_deleted', reason: 'Your account is deleted' },
};

/** A password that checked out: the user, and how to settle the failure counter afterwards. */
export interface CheckedCredentials { user: User; account: string; clearFailures: boolean }

/**
 * Email and password, checked as the Barong login checks them (domain/identity/login-service.ts):
 * the same rate-limit buckets and rules (so switching front doors buys no extra guesses), the
 * password before the account state, failures recorded as `session/login` activities. Unlike
 * the Barong door an unknown email is told apart (404), as the NBC gate contract wants.
 */
export class Credentials {
  constructor(private readonly d: IdentityDeps) {}

  async check(email: string, password: string, ctx: RequestContext): Promise<CheckedCredentials> {
    const { db, limiter, settings } = this.d;
    const account = email.trim().toLowerCase();
    const limits = await limiter.hitAndPeek(
      { bucket: 'login-ip', id: ctx.ip, rule: settings.rates.loginIp },
      { bucket: 'login-fail', id: account, rule: settings.rates.loginAccount },
    );
    if (!limits.withinHit || limits.peekExhausted) throw new AppError('auth.too_many_requests');
    const user = await usersRepo.byEmail(db, account);
    if (!user) {
      await limiter.hit('login-fail', account, settings.rates.loginAccount);
      throw new AppError('auth.user_not_found');
    }
    if (!(await this.d.hasher.verify(user.passwordDigest, password))) {
      await limiter.hit('login-fail', account, settings.rates.loginAccount);
      await this.failed(user, ctx, 'login', 'Invalid Email or Password');
      throw new AppError('auth.invalid_credentials');
    }
    const stateFailure = STATE_FAILURES[user.state];
    if (stateFailure) {
      await this.failed(user, ctx, 'login', stateFailure.reason);
      throw new AppError(stateFailure.key);
    }
    if (user.state !== 'active' && user.state !== 'pending') {
      await this.failed(user, ctx, 'login', 'Your account is not active');
      throw new AppError('auth.account_not_active');
    }
    return { user: await this.upgradeHash(user, password), account, clearFailures: limits.peekUsed };
  }

  /** After the whole sign-in succeeded: earlier failures of the account are forgiven. */
  async succeeded(c: CheckedCredentials): Promise<void> {
    if (c.clearFailures) await this.d.limiter.reset('login-fail', c.account);
  }

  /** A wrong second factor counts against the account like a wrong password. */
  async secondFactorFailed(c: CheckedCredentials, ctx: RequestContext, reason: string): Promise<void> {
    await this.d.limiter.hit('login-fail', c.account, this.d.settings.rates.loginAccount);
    await this.failed(c.user, ctx, 'login::2fa', reason);
  }

  private async failed(user: User, ctx: RequestContext, action: string, reason: string): Promise<void> {
    await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'session', action, result: 'failed', reason });
  }

  /** Imported bcrypt digests (or older argon2 parameters) are re-hashed at a successful check. */
  private async upgradeHash(user: User, password: string): Promise<User> {
    if (!this.d.hasher.needsRehash(user.passwordDigest)) return user;
    return usersRepo.update(this.d.db, user.id, { passwordDigest: await this.d.hasher.hash(password) });
  }
}
