import { AppError, ModelError } from '../../errors/app-error.js';
import type { Queryable } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { generateUid } from '../../lib/random.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userEventForm, userModelRecord } from '../events/event-log.js';
import type { User } from '../users/user.js';
import { dataErrors, emailErrors, normalizeEmail, passwordErrors, usernameErrors } from '../users/user-rules.js';
import type { IdentityDeps } from './deps.js';
import { loadUserView, userViewOf, type UserView } from './user-view.js';
import type { UserLists } from '../../db/repositories/kyc-lists.js';

export interface SignupInput { email: string; password: string; username?: string; refid?: string; data?: string }
export interface OpenedSession { view: UserView; sessionId: string; csrfToken: string }

/** Sign-up, email confirmation and its resend (BARONG.md §5.6, §5.9, §5.10). */
export class AccountService {
  constructor(private readonly d: IdentityDeps) {}

  async signup(input: SignupInput, ctx: RequestContext): Promise<OpenedSession> {
    const { db, settings } = this.d;
    if (!(await this.d.limiter.hit('signup-ip', ctx.ip, settings.rates.signupIp))) throw new AppError('identity.user.too_many_requests');
    let referral: User | null = null;
    // Barong checks any refid that was sent, even an empty one (`unless params[:refid].nil?`).
    if (input.refid !== undefined) {
      if (!input.refid.startsWith(settings.uidPrefix.toUpperCase())) throw new AppError('identity.user.invalid_referral_format');
      referral = await usersRepo.byUid(db, input.refid);
      if (!referral) throw new AppError('identity.user.referral_doesnt_exist');
    }
    const email = normalizeEmail(input.email);
    const username = input.username === undefined ? null : input.username.toLowerCase();
    const errors = [...emailErrors(email)];
    if (errors.length === 0 && (await usersRepo.emailTaken(db, email))) errors.push('email.taken');
    if (username !== null) {
      const u = usernameErrors(username);
      if (u.length === 0 && (await usersRepo.usernameTaken(db, username))) u.push('username.taken');
      errors.push(...u);
    }
    errors.push(...passwordErrors(input.password, settings.passwordPolicy));
    if (!(await permissionsRepo.roleExists(db, 'member'))) errors.push('role.doesnt_exist');
    if (input.data !== undefined) errors.push(...dataErrors(input.data));
    if (errors.length) throw new ModelError(errors);

    const passwordDigest = await this.d.hasher.hash(input.password);
    const user = await db.tx(async (q) => {
      let created: User;
      try {
        created = await usersRepo.insert(q, {
          uid: await this.freshUid(q), username, email, passwordDigest, role: 'member',
          data: input.data ?? null, state: 'pending', referralId: referral?.id ?? null,
        });
      } catch (e) {
        // A concurrent sign-up with the same email or username won the race.
        if (isUniqueViolation(e, 'index_users_on_email')) throw new ModelError(['email.taken']);
        if (isUniqueViolation(e, 'index_users_on_username')) throw new ModelError(['username.taken']);
        throw e;
      }
      await this.d.events.emit(q, 'model.user.created', userModelRecord(created, referral?.uid ?? null));
      await this.d.activities.record(q, ctx, { userId: created.id, topic: 'account', action: 'signup', result: 'succeed' });
      if (settings.firstRegistrationSuperadmin && (await usersRepo.count(q)) === 1) {
        created = await usersRepo.update(q, created.id, { role: 'superadmin' });
        created = await this.d.labels.setPrivate(q, created, 'email', 'verified');
        return created;
      }
      await this.emitConfirmation(q, created, referral?.uid ?? null);
      return created;
    });
    this.d.events.committed();
    return this.openSession(user, ctx);
  }

  /** Resend: silent (201) for unknown or already active accounts, so emails cannot be probed. */
  async resendConfirmation(emailInput: string, ctx: RequestContext): Promise<void> {
    const { db, settings } = this.d;
    const email = normalizeEmail(emailInput);
    const withinIp = await this.d.limiter.hit('mail-ip', ctx.ip, settings.rates.resetIp);
    const withinAccount = await this.d.limiter.hit('confirm-mail', email, settings.rates.resetAccount);
    if (!withinIp || !withinAccount) throw new AppError('identity.user.too_many_requests');
    const user = await usersRepo.byEmail(db, email);
    if (!user || user.state === 'active') return;
    await db.tx(async (q) => {
      const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
      await this.emitConfirmation(q, user, refUid);
    });
    this.d.events.committed();
  }

  async confirmEmail(token: string, ctx: RequestContext): Promise<OpenedSession> {
    const { db, kv, settings } = this.d;
    const claims = this.d.tokens.verify(token, 'confirmation');
    const user = typeof claims.email === 'string' ? await usersRepo.byEmail(db, claims.email) : null;
    if (!user || user.state === 'active') throw new AppError('identity.user.active_or_doesnt_exist');
    if (!(await kv.setIfAbsent(`used-jti:${claims.jti}`, '1', settings.tokenLifetime))) throw new AppError('identity.user.utilized_token');
    const confirmed = await db.tx(async (q) => {
      const locked = (await usersRepo.lockById(q, user.id))!;
      const updated = await this.d.labels.setPrivate(q, locked, 'email', 'verified');
      const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
      await this.d.events.emit(q, 'system.user.email.confirmed', { user: userEventForm(updated, refUid), domain: settings.domain });
      return updated;
    });
    this.d.events.committed();
    return this.openSession(confirmed, ctx);
  }

  /** `lists`: the user's lists when the caller read them already (login), saving a round trip. */
  async openSession(user: User, ctx: RequestContext, lists?: UserLists): Promise<OpenedSession> {
    const { id, session } = await this.d.sessions.open(user.uid, ctx.ip, ctx.userAgent);
    return { view: lists ? userViewOf(user, lists) : await loadUserView(this.d.db, user), sessionId: id, csrfToken: session.csrfToken };
  }

  private async emitConfirmation(q: Queryable, user: User, refUid: string | null): Promise<void> {
    const { token } = this.d.tokens.sign('confirmation', { email: user.email, uid: user.uid });
    await this.d.events.emit(q, 'system.user.email.confirmation.token', { user: userEventForm(user, refUid), domain: this.d.settings.domain, token });
  }

  /** uids are unique across users (and, later, service accounts): retry on the rare collision. */
  private async freshUid(q: Queryable): Promise<string> {
    for (;;) {
      const uid = generateUid(this.d.settings.uidPrefix);
      if (!(await usersRepo.uidTaken(q, uid))) return uid;
    }
  }
}
