import { randomBytes } from 'node:crypto';
import { isUniqueViolation, type Queryable } from '../../db/db.js';
import { registrationsRepo } from '../../db/repositories/registrations.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { generateUid } from '../../lib/random.js';
import { sha256Hex } from '../../lib/timing-safe.js';
import type { RequestContext } from '../activities/activity-log.js';
import { CODE_MAIL_EVENTS, userForm, withinMailLimits } from '../email-codes/code-mail.js';
import { userEventForm, userModelRecord } from '../events/event-log.js';
import type { IssuedTokens, TokenAuthDeps } from '../token-auth/deps.js';
import type { TokenSessions } from '../token-auth/token-sessions.js';
import type { User } from '../users/user.js';
import { emailErrors, normalizeEmail, passwordErrors } from '../users/user-rules.js';
import type { AccountProfile } from './account-profile.js';

/** Registration tokens are told apart from access tokens (JWTs) by their prefix. */
export const REGISTRATION_TOKEN_PREFIX = 'reg_';
const TOKEN_SHAPE = /^reg_[A-Za-z0-9_-]{43}$/;

export type SignUpStep = 'email' | 'password' | 'user' | 'owner';
export interface SignUpSteps { email: boolean; password: boolean; user: boolean; owner: boolean; completed: boolean; next: SignUpStep | null }

/**
 * Step-by-step sign-up: email code → registration token → password (creates an active user
 * with a verified email and signs him in) → personal details → business. Each step refuses to
 * run before the one it needs, with its own error.
 */
export class RegistrationService {
  constructor(
    private readonly d: TokenAuthDeps, private readonly sessions: TokenSessions, private readonly profile: AccountProfile,
    private readonly tokenLifetimeSeconds: number,
  ) {}

  /** Always quiet: an address with an account gets a "you already have one" mail instead of a code. */
  async requestCode(emailInput: string, ctx: RequestContext): Promise<void> {
    const { db, events, limiter, settings } = this.d.identity;
    const email = normalizeEmail(emailInput);
    const errors = emailErrors(email);
    if (errors.length) throw new ModelError(errors);
    await withinMailLimits(limiter, settings.rates, 'signup-mail', email, ctx.ip);
    const existing = await usersRepo.byEmail(db, email);
    await db.tx(async (q) => {
      if (existing) {
        await events.emit(q, CODE_MAIL_EVENTS.registrationTaken, { user: await userForm(q, existing), domain: settings.domain });
        return;
      }
      const code = await this.d.codes.issue(q, 'sign_up', email, null);
      await events.emit(q, CODE_MAIL_EVENTS.registrationCode, { recipient: email, purpose: 'sign_up', code, valid_minutes: this.d.codes.validMinutes, domain: settings.domain });
    });
    events.committed();
  }

  async confirmCode(input: { email: string; code: string }): Promise<{ registrationToken: string }> {
    const email = normalizeEmail(input.email);
    await this.d.codes.consume('sign_up', email, input.code);
    if (await usersRepo.emailTaken(this.d.identity.db, email)) throw new AppError('registration.email_taken');
    const registrationToken = REGISTRATION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await registrationsRepo.insert(this.d.identity.db, {
      email, tokenHash: sha256Hex(registrationToken), expiresAt: new Date(this.d.now() + this.tokenLifetimeSeconds * 1000),
    });
    return { registrationToken };
  }

  /** The password step: creates the user and signs him in. */
  async setPassword(registrationToken: string, password: string, ctx: RequestContext): Promise<IssuedTokens> {
    const { db, events, activities, hasher, labels, settings } = this.d.identity;
    const registration = await this.registration(registrationToken);
    if (registration.userId !== null) throw new AppError('registration.completed');
    const policy = passwordErrors(password, settings.passwordPolicy);
    if (policy.length) throw new ModelError(policy);
    if (await usersRepo.emailTaken(db, registration.email)) throw new AppError('registration.email_taken');
    const passwordDigest = await hasher.hash(password);
    const created = await db.tx(async (q) => {
      const locked = await registrationsRepo.byTokenHash(q, sha256Hex(registrationToken), true);
      if (!locked || locked.userId !== null) return null;
      let user: User;
      try {
        user = await usersRepo.insert(q, {
          uid: await this.freshUid(q), username: null, email: locked.email, passwordDigest, role: 'member', data: null, state: 'pending', referralId: null,
        });
      } catch (err) {
        if (isUniqueViolation(err, 'index_users_on_email')) throw new AppError('registration.email_taken');
        throw err;
      }
      await events.emit(q, 'model.user.created', userModelRecord(user, null));
      await activities.record(q, ctx, { userId: user.id, topic: 'account', action: 'signup', result: 'succeed' });
      // The email was proven by the code: verified at once (state active, level 1).
      user = await labels.setPrivate(q, user, 'email', 'verified');
      await events.emit(q, 'system.user.email.confirmed', { user: userEventForm(user, null), domain: settings.domain });
      await registrationsRepo.attachUser(q, locked.id, user.id);
      return { user, opened: await this.sessions.open(q, user, ctx) };
    });
    if (!created) throw new AppError('registration.completed');
    events.committed();
    return this.sessions.issue(created.user, created.opened);
  }

  async updateUser(user: User, input: Parameters<AccountProfile['updateDetails']>[1], ctx: RequestContext): Promise<SignUpSteps> {
    await this.profile.updateDetails(user, input, ctx);
    return this.stepsOf(user);
  }

  async updateOwner(user: User, input: Parameters<AccountProfile['updateBusiness']>[1], ctx: RequestContext): Promise<SignUpSteps> {
    if (!(await this.stepsOf(user)).user) throw new AppError('registration.user_step_required');
    await this.profile.updateBusiness(user, input, ctx);
    return this.stepsOf(user);
  }

  /** `/auth/sign-up/check` with a registration token (before the password step). */
  async stepsOfRegistration(registrationToken: string): Promise<SignUpSteps> {
    const registration = await this.registration(registrationToken, { allowCompleted: true });
    if (registration.userId !== null) {
      const user = await usersRepo.byId(this.d.identity.db, registration.userId);
      if (user) return this.stepsOf(user);
    }
    return steps({ email: true, password: false, user: false, owner: false });
  }

  /** `/auth/sign-up/check` for a signed-in user (made here or on another door). */
  async stepsOf(user: User): Promise<SignUpSteps> {
    const p = await this.profile.progress(user);
    return steps({ email: p.emailVerified, password: true, user: p.detailsDone, owner: p.businessDone });
  }

  private async registration(token: string, o: { allowCompleted?: boolean } = {}) {
    const found = TOKEN_SHAPE.test(token) ? await registrationsRepo.byTokenHash(this.d.identity.db, sha256Hex(token)) : null;
    // A completed registration stays readable for `check`, whatever its age.
    if (!found || (found.expiresAt.getTime() <= this.d.now() && !(o.allowCompleted && found.userId !== null))) throw new AppError('registration.token_invalid');
    return found;
  }

  /** uids are unique across users (and service accounts): retry on the rare collision. */
  private async freshUid(q: Queryable): Promise<string> {
    for (;;) {
      const uid = generateUid(this.d.identity.settings.uidPrefix);
      if (!(await usersRepo.uidTaken(q, uid))) return uid;
    }
  }
}

function steps(done: Omit<SignUpSteps, 'completed' | 'next'>): SignUpSteps {
  const order: SignUpStep[] = ['email', 'password', 'user', 'owner'];
  const next = order.find((s) => !done[s]) ?? null;
  return { ...done, completed: next === null, next };
}
