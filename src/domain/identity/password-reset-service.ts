import { AppError, ModelError } from '../../errors/app-error.js';
import { usersRepo } from '../../db/repositories/users.js';
import { randomHex } from '../../lib/random.js';
import { safeEqual } from '../../lib/timing-safe.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userEventForm } from '../events/event-log.js';
import { normalizeEmail, passwordErrors } from '../users/user-rules.js';
import type { IdentityDeps } from './deps.js';

const pendingKey = (email: string) => `reset-pending:${email.trim().toLowerCase()}`;

/**
 * Password reset (BARONG.md §5.11–§5.12 with Warden's fix #10): only the latest token of an
 * email works, exactly once, and using it ends every session of the account.
 */
export class PasswordResetService {
  constructor(private readonly d: IdentityDeps) {}

  async request(emailInput: string, ctx: RequestContext): Promise<void> {
    const { db, kv, settings } = this.d;
    const email = normalizeEmail(emailInput);
    const withinIp = await this.d.limiter.hit('mail-ip', ctx.ip, settings.rates.resetIp);
    const withinAccount = await this.d.limiter.hit('reset-mail', email, settings.rates.resetAccount);
    if (!withinIp || !withinAccount) throw new AppError('identity.user.too_many_requests');
    const user = await usersRepo.byEmail(db, email);
    if (!user) return; // 201 either way: no enumeration
    const resetToken = randomHex(20);
    await kv.set(pendingKey(email), resetToken, settings.tokenLifetime);
    const { token } = this.d.tokens.sign('reset', { email, uid: user.uid, reset_token: resetToken });
    await db.tx(async (q) => {
      await this.d.activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'request password reset', result: 'succeed' });
      const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
      await this.d.events.emit(q, 'system.user.password.reset.token', { user: userEventForm(user, refUid), domain: settings.domain, token });
    });
    this.d.events.committed();
  }

  async confirm(input: { token: string; password: string; confirmPassword: string }, ctx: RequestContext): Promise<void> {
    const { db, kv, settings } = this.d;
    if (input.password !== input.confirmPassword) throw new AppError('identity.user.passwords_doesnt_match');
    const claims = this.d.tokens.verify(input.token, 'reset');
    const email = typeof claims.email === 'string' ? claims.email : '';
    const claimed = typeof claims.reset_token === 'string' ? claims.reset_token : null;
    const pending = await kv.get(pendingKey(email));
    if (!claimed || !pending || !safeEqual(pending, claimed) || (await kv.get(`used-jti:${claims.jti}`))) {
      throw new AppError('identity.user.utilized_token');
    }
    const user = await usersRepo.byEmail(db, email);
    if (!user) throw new AppError('identity.user.utilized_token');
    const policy = passwordErrors(input.password, settings.passwordPolicy);
    if (policy.length) {
      await this.d.activities.record(db, ctx, { userId: user.id, topic: 'password', action: 'password reset', result: 'failed', reason: policy.join(', ') });
      throw new ModelError(policy);
    }
    // Claim the token atomically: of two concurrent confirmations only one gets past here.
    if (!(await kv.setIfAbsent(`used-jti:${claims.jti}`, '1', settings.tokenLifetime))) throw new AppError('identity.user.utilized_token');
    await kv.delete(pendingKey(email));
    const digest = await this.d.hasher.hash(input.password);
    await db.tx(async (q) => {
      const updated = await usersRepo.update(q, user.id, { passwordDigest: digest });
      await this.d.activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'password reset', result: 'succeed' });
      const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
      await this.d.events.emit(q, 'system.user.password.reset', { user: userEventForm(updated, refUid), domain: settings.domain });
    });
    this.d.events.committed();
    await this.d.sessions.destroyAllFor(user.uid);
  }
}
