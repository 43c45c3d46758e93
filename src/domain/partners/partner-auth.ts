import { accountDetailsRepo } from '../../db/repositories/account-details.js';
import { devicesRepo } from '../../db/repositories/devices.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { ActiveCountries } from '../countries/active-countries.js';
import type { AccountService } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { LoginService } from '../identity/login-service.js';
import type { PasswordResetService } from '../identity/password-reset-service.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { utcDay } from '../kyc/profiles-rules.js';
import { emailErrors } from '../users/user-rules.js';
import { LOGIN_STATES, type User } from '../users/user.js';
import { readPartnerSignup } from './signup-rules.js';

export interface PartnerSettings { lang: string; tz: string }

/** Who a Nebeus client is signed in as: the numeric id is both `uid` and `partner_id`. */
export interface PartnerInfo { id: number; name: string | null; surname: string | null; username: string; lang: string; tz: string }

export interface PartnerAuthDeps {
  identity: IdentityDeps;
  accounts: AccountService;
  logins: LoginService;
  resets: PasswordResetService;
  profiles: ProfileService;
  countries: ActiveCountries;
  settings: PartnerSettings;
  now: () => number;
}

/**
 * The Nebeus door's accounts on Warden's core: sign-in opens an ordinary Warden session (the same
 * one the Barong API reads), with the same rate limits, second factor and activities; sign-up
 * makes an ordinary user with a KYC profile (name, surname, country) and a device record.
 */
export class PartnerAuth {
  constructor(private readonly d: PartnerAuthDeps) {}

  async signIn(input: { login: string; password: string; otp?: string }, ctx: RequestContext): Promise<{ sessionId: string; info: PartnerInfo }> {
    const opened = await this.d.logins.login({ email: input.login, password: input.password, otpCode: input.otp }, ctx);
    return { sessionId: opened.sessionId, info: await this.info(opened.view.user) };
  }

  /** Ends the session when there is one; a missing or already ended session is no error. */
  async signOut(sessionId: string | undefined, ctx: RequestContext): Promise<void> {
    if (!sessionId) return;
    try {
      await this.d.logins.logout(sessionId, ctx);
    } catch (err) {
      if (!(err instanceof AppError && err.keys[0] === 'identity.session.not_found')) throw err;
    }
  }

  /** Starts the core reset flow (mail) for a well-formed email; unknown emails are silent. */
  async resetPassword(login: string, ctx: RequestContext): Promise<void> {
    const errors = login.trim() === '' ? ['email.blank'] : emailErrors(login);
    if (errors.length) throw new ModelError(errors);
    await this.d.resets.request(login, ctx);
  }

  /**
   * Creates the user (pending, confirmation mail sent), his drafted KYC profile and the device;
   * signs nobody in: the session the core opens is closed at once.
   */
  async signUp(params: Record<string, unknown>, ctx: RequestContext): Promise<User> {
    const { db, settings } = this.d.identity;
    const { signup, countryId, errors } = readPartnerSignup(params, settings.passwordPolicy, utcDay(this.d.now()));
    const email = typeof params.login === 'string' ? params.login.trim() : '';
    if (!errors.some((e) => e.startsWith('email.')) && email && (await usersRepo.emailTaken(db, email))) errors.push('email.taken');
    const country = countryId === null ? null : await this.d.countries.activeById(countryId);
    if (countryId !== null && !country) errors.push('country.invalid');
    if (errors.length) throw new ModelError(errors);

    const opened = await this.d.accounts.signup({ email: signup!.email, password: signup!.password }, ctx);
    const user = opened.view.user;
    await this.d.identity.sessions.destroy(opened.sessionId, user.uid);
    await this.d.profiles.create(user, { first_name: signup!.name, last_name: signup!.surname, country: country!.code }, false);
    if (signup!.device) await devicesRepo.insert(db, user.id, signup!.device);
    return user;
  }

  /** The user of a valid session (bound to its User-Agent and network, sliding), or null. */
  async sessionUser(sessionId: string | undefined, ctx: RequestContext): Promise<User | null> {
    if (!sessionId) return null;
    const check = await this.d.identity.sessions.check(sessionId, ctx.ip, ctx.userAgent);
    if (!check.ok) return null;
    const user = await usersRepo.byUid(this.d.identity.db, check.session.uid);
    return user && LOGIN_STATES.has(user.state) ? user : null;
  }

  /**
   * Name and surname from the latest KYC profile (else the NBC door's personal details), the
   * language of his latest device, the time zone he chose; configured defaults otherwise.
   */
  async info(user: User): Promise<PartnerInfo> {
    const db = this.d.identity.db;
    const [profiles, details, language] = await Promise.all([
      this.d.profiles.list(user), accountDetailsRepo.get(db, user.id), devicesRepo.latestLanguage(db, user.id),
    ]);
    const latest = profiles.length ? this.d.profiles.open(profiles[profiles.length - 1]) : null;
    return {
      id: user.id,
      name: latest?.first_name ?? details?.name ?? null,
      surname: latest?.last_name ?? details?.surname ?? null,
      username: user.username ?? user.email,
      lang: (language ?? details?.language)?.replace('-', '_') ?? this.d.settings.lang,
      tz: details?.timezone ?? this.d.settings.tz,
    };
  }
}
