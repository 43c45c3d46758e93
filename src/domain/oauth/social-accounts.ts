import { isUniqueViolation, type Queryable } from '../../db/db.js';
import { oauthIdentitiesRepo, type OAuthIdentity } from '../../db/repositories/oauth-identities.js';
import { usersRepo } from '../../db/repositories/users.js';
import { generateUid } from '../../lib/random.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userEventForm, userModelRecord } from '../events/event-log.js';
import type { AccountService, OpenedSession } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { User } from '../users/user.js';
import type { ProviderProfile } from './profile.js';

/**
 * The password digest of an account made by social login: no password verifies against it
 * (argon2 cannot parse it), so the account has no usable password until its owner sets one
 * through the password-reset mail.
 */
export const NO_PASSWORD = '!social-login';

export function hasUsablePassword(user: User): boolean {
  return !user.passwordDigest.startsWith('!');
}

/** Why a user may not sign in, as password login words it (BARONG.md §5.13). */
export interface Refusal { state: 'banned' | 'deleted' | 'not_active'; reason: string }

export function refusalFor(user: User): Refusal | null {
  if (user.state === 'banned') return { state: 'banned', reason: 'Your account is banned' };
  if (user.state === 'deleted') return { state: 'deleted', reason: 'Your account is deleted' };
  if (user.state !== 'active' && user.state !== 'pending') return { state: 'not_active', reason: 'Your account is not active' };
  return null;
}

export class CreateConflict extends Error {
  constructor(readonly what: 'email' | 'identity') { super(`${what} taken`); }
}

/** What social sign-in (browser flows and the Auth0 endpoint) shares with password login. */
export class SocialAccounts {
  constructor(private readonly d: IdentityDeps, private readonly accounts: AccountService) {}

  async failed(user: User, ctx: RequestContext, action: string, reason: string): Promise<void> {
    await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'session', action, result: 'failed', reason });
  }

  /** Activity, `system.session.create` and a fresh session, as a password login ends. */
  async openSession(user: User, ctx: RequestContext, action: 'login' | 'login::2fa'): Promise<OpenedSession> {
    const { db, events } = this.d;
    const refUid = user.referralId ? await usersRepo.uidById(db, user.referralId) : null;
    await Promise.all([
      this.d.activities.record(db, ctx, { userId: user.id, topic: 'session', action, result: 'succeed' }),
      events.emit(db, 'system.session.create', { user: userEventForm(user, refUid), user_ip: ctx.ip, user_agent: ctx.userAgent }),
    ]);
    events.committed();
    return this.accounts.openSession(user, ctx);
  }

  /**
   * A new active account for a provider-verified email, with the provider account linked: no
   * password, private label `email=verified`. Throws CreateConflict when the email or the
   * provider account was taken meanwhile.
   */
  async create(provider: string, profile: ProviderProfile & { email: string }, ctx: RequestContext): Promise<User> {
    const { db, events } = this.d;
    try {
      const user = await db.tx(async (q) => {
        const created = await usersRepo.insert(q, {
          uid: await this.freshUid(q), username: null, email: profile.email, passwordDigest: NO_PASSWORD, role: 'member',
          data: null, state: 'pending', referralId: null,
        });
        await events.emit(q, 'model.user.created', userModelRecord(created, null));
        await this.d.activities.record(q, ctx, { userId: created.id, topic: 'account', action: 'signup', result: 'succeed' });
        await oauthIdentitiesRepo.insert(q, { userId: created.id, provider, subject: profile.subject, email: profile.email });
        return this.d.labels.setPrivate(q, created, 'email', 'verified');
      });
      events.committed();
      return user;
    } catch (err) {
      if (isUniqueViolation(err, 'index_users_on_email')) throw new CreateConflict('email');
      if (isUniqueViolation(err, 'index_oauth_identities')) throw new CreateConflict('identity');
      throw err;
    }
  }

  /** Links a provider account; null when the user already has one for this provider (or it is taken). */
  async link(user: User, provider: string, profile: ProviderProfile, ctx: RequestContext): Promise<OAuthIdentity | null> {
    try {
      return await this.d.db.tx(async (q) => {
        const identity = await oauthIdentitiesRepo.insert(q, { userId: user.id, provider, subject: profile.subject, email: profile.email });
        await this.d.activities.record(q, ctx, { userId: user.id, topic: 'account', action: `link ${provider}`, result: 'succeed' });
        return identity;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'index_oauth_identities')) return null;
      throw err;
    }
  }

  private async freshUid(q: Queryable): Promise<string> {
    for (;;) {
      const uid = generateUid(this.d.settings.uidPrefix);
      if (!(await usersRepo.uidTaken(q, uid))) return uid;
    }
  }
}
