import type { JWTPayload } from 'jose';
import { AppError } from '../../errors/app-error.js';
import { oauthIdentitiesRepo } from '../../db/repositories/oauth-identities.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { OpenedSession } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { User } from '../users/user.js';
import type { OidcDirectory } from './directory.js';
import { REFUSAL_KEYS } from './oauth-service.js';
import { OIDC_RULES, profileFrom } from './profile.js';
import { CLOCK_TOLERANCE } from './provider-client.js';
import { auth0Tenant } from './providers.js';
import type { SocialSecondFactor } from './second-factor.js';
import { CreateConflict, refusalFor, type SocialAccounts } from './social-accounts.js';

/** Provider name under which Auth0 accounts are linked. */
export const AUTH0_PROVIDER = 'auth0';

export interface Auth0Settings { domain: string; clientId: string }

const invalid = (status = 422) => new AppError(['identity.session.auth0.invalid_params'], { status });

/**
 * `POST identity/sessions/auth0` (BARONG.md §5.15 with Warden's fix #11): an Auth0 ID token
 * (RS256, the tenant's JWKS, `iss` = `https://<domain>/`, `aud` = the client id, `exp`) signs in
 * the user with the same state and 2FA checks as password login. The 2FA code is the user's type:
 * an authenticator code, or a mailed code, which a request without one mails (the user may have
 * no password to ask for it at another door).
 *
 * Finding the user: the linked Auth0 account first; else, like Barong, the account with the
 * token's email, but only when Auth0 says the email is verified (Barong let an unverified
 * email in; here that is a 401). The Auth0 account is then linked, so a later change of email on
 * either side does not lose the user.
 */
export class Auth0Login {
  private readonly tenant: { issuer: string; jwksUri: string } | null;

  constructor(
    private readonly d: IdentityDeps,
    private readonly social: SocialAccounts,
    private readonly second: SocialSecondFactor,
    private readonly dir: OidcDirectory,
    private readonly settings: Auth0Settings | null,
    private readonly now: () => number = Date.now,
  ) {
    this.tenant = settings ? auth0Tenant(settings.domain) : null;
  }

  get enabled(): boolean { return this.tenant !== null; }

  async login(input: { idToken: string; otpCode?: string }, ctx: RequestContext): Promise<OpenedSession> {
    const { limiter, settings } = this.d;
    if (!this.tenant || !this.settings) throw invalid();
    if (!(await limiter.hit('login-ip', ctx.ip, settings.rates.loginIp))) throw new AppError('identity.session.too_many_requests');
    const claims = await this.verify(input.idToken);
    const profile = profileFrom(OIDC_RULES, claims);
    if (!profile || !profile.email) throw invalid(401);
    const user = await this.userFor({ ...profile, email: profile.email }, ctx);

    const refusal = refusalFor(user);
    if (refusal) {
      await this.social.failed(user, ctx, 'login', refusal.reason);
      throw new AppError(REFUSAL_KEYS[refusal.state]);
    }
    const type = await this.second.typeOf(user);
    const check = await this.second.check(user, type, input.otpCode, ctx);
    if (check === 'missing') {
      if (type === 'email' && !(await this.second.mail(user, ctx))) throw new AppError('identity.session.too_many_requests');
      throw new AppError('identity.session.missing_otp');
    }
    if (check === 'invalid') {
      await limiter.hit('login-fail', user.email.toLowerCase(), settings.rates.loginAccount);
      await this.social.failed(user, ctx, 'login::2fa', 'OTP code is invalid');
      throw new AppError('identity.session.invalid_otp');
    }
    return this.social.openSession(user, ctx, type === 'none' ? 'login' : 'login::2fa');
  }

  private async verify(idToken: string): Promise<JWTPayload> {
    try {
      return await this.dir.verifyJwt(idToken, this.tenant!.jwksUri, {
        issuer: this.tenant!.issuer, audience: this.settings!.clientId, algorithms: ['RS256'],
        currentDate: new Date(this.now()), clockTolerance: CLOCK_TOLERANCE, requiredClaims: ['sub', 'exp'],
      });
    } catch {
      // Barong: any failure (signature, expiry, unreachable JWKS) is a 422.
      throw invalid();
    }
  }

  private async userFor(profile: { subject: string; email: string; emailVerified: boolean }, ctx: RequestContext): Promise<User> {
    const { db } = this.d;
    const linked = await oauthIdentitiesRepo.find(db, AUTH0_PROVIDER, profile.subject);
    if (linked) {
      const user = await usersRepo.byId(db, linked.userId);
      if (user) return user;
    }
    if (!profile.emailVerified) throw invalid(401);
    const existing = await usersRepo.byEmail(db, profile.email);
    if (existing) {
      // A user has one Auth0 account: when another one is linked already, this one is not added.
      await this.social.link(existing, AUTH0_PROVIDER, profile, ctx);
      return existing;
    }
    try {
      return await this.social.create(AUTH0_PROVIDER, profile, ctx);
    } catch (err) {
      if (err instanceof CreateConflict) throw invalid();
      throw err;
    }
  }
}
