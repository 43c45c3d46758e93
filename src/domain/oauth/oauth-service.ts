import { AppError } from '../../errors/app-error.js';
import { oauthIdentitiesRepo } from '../../db/repositories/oauth-identities.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { OpenedSession } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import { LOGIN_STATES, type User } from '../users/user.js';
import { OAuthFlowError } from './flow-error.js';
import { newBinding, pkceChallenge, type FlowTokens } from './flow-tokens.js';
import type { ProviderProfile } from './profile.js';
import type { ProviderClient } from './provider-client.js';
import type { OAuthProviderSpec } from './providers.js';
import type { SocialSecondFactor } from './second-factor.js';
import { CreateConflict, hasUsablePassword, refusalFor, type SocialAccounts } from './social-accounts.js';

export const STATE_LIFETIME = 600;
export const LINK_LIFETIME = 600;
/** Lifetime of the sign-in token the callback hands to the frontend. */
export const SIGN_IN_LIFETIME = 300;

export interface OAuthSettings {
  /** `<callback base><API_PREFIX>/identity/oauth`: where sign-in and connect links point. */
  linkBase: string;
  /** Frontend page the browser lands on after the callback (OAUTH_RESULT_URL). */
  resultUrl: string;
  /** Provider names that sign in without a browser flow (`auth0` when the Auth0 endpoint is on). */
  extraSignInProviders: readonly string[];
}

export interface OAuthServiceDeps {
  identity: IdentityDeps;
  social: SocialAccounts;
  secondFactor: SocialSecondFactor;
  client: ProviderClient;
  tokens: FlowTokens;
  providers: readonly OAuthProviderSpec[];
  settings: OAuthSettings;
  /** Reasons of failed flows (never tokens, codes or secrets). */
  warn: (fields: Record<string, unknown>, msg: string) => void;
}

/** Where the browser goes next; `binding` is the flow cookie to (re)set. */
export interface FlowOutcome { redirect: string; binding?: string }

export interface ProviderLink { provider: string; name: string; connected: boolean; auth_link: string }

interface StateBody { p: string; m: 'login' | 'link'; u?: string; b: string }
interface SignInBody { u: string; p: string; a: string; b: string }

const usedKey = (id: string) => `oauth-used:${id}`;

export const REFUSAL_KEYS = {
  banned: 'identity.session.banned', deleted: 'identity.session.deleted', not_active: 'identity.session.not_active',
} as const;

/**
 * Social login and account linking over OAuth 2.0 / OpenID Connect (README "Social login").
 * Sign-in finds the user by the linked provider account, never by email: an email only creates a
 * new account (when the provider vouches for it), and an email that already has an account is
 * refused until its owner links the provider from his settings (no silent takeover).
 */
export class OAuthService {
  private readonly byName: ReadonlyMap<string, OAuthProviderSpec>;

  constructor(private readonly d: OAuthServiceDeps) {
    this.byName = new Map(d.providers.map((p) => [p.name, p]));
  }

  get providers(): readonly OAuthProviderSpec[] { return this.d.providers; }

  /** Sign-in links for a login page. */
  list(): { provider: string; name: string; auth_link: string }[] {
    return this.d.providers.map((p) => ({ provider: p.name, name: p.displayName, auth_link: `${this.d.settings.linkBase}/${p.name}` }));
  }

  /** Every provider with whether the user linked it and a link that connects it (the Nebeus dashboard's `social_networks`). */
  async providersFor(user: User): Promise<ProviderLink[]> {
    const linked = new Set((await oauthIdentitiesRepo.forUser(this.d.identity.db, user.id)).map((i) => i.provider));
    return this.d.providers.map((p) => ({ provider: p.name, name: p.displayName, connected: linked.has(p.name), auth_link: this.connectLink(user, p.name) }));
  }

  /** The resource API's list: providers with the linked account's email and link date. */
  async linksOf(user: User): Promise<(ProviderLink & { email: string | null; created_at: Date | null })[]> {
    const identities = await oauthIdentitiesRepo.forUser(this.d.identity.db, user.id);
    return this.d.providers.map((p) => {
      const i = identities.find((x) => x.provider === p.name);
      return { provider: p.name, name: p.displayName, connected: !!i, email: i?.email ?? null, created_at: i?.createdAt ?? null, auth_link: this.connectLink(user, p.name) };
    });
  }

  /** A link that, opened in the user's browser, connects the provider to his account (single use, 10 minutes). */
  connectLinkFor(user: User, provider: string): string {
    if (!this.byName.has(provider)) throw new AppError('resource.oauth.provider_not_found');
    return this.connectLink(user, provider);
  }

  private connectLink(user: User, provider: string): string {
    const { token } = this.d.tokens.seal('link', { u: user.uid, p: provider }, LINK_LIFETIME);
    return `${this.d.settings.linkBase}/${provider}?link=${encodeURIComponent(token)}`;
  }

  /** `GET identity/oauth/<provider>`: to the provider, with a fresh state bound to this browser. */
  async start(providerName: string, input: { linkToken?: string; binding?: string }): Promise<FlowOutcome> {
    try {
      const spec = this.spec(providerName);
      let body: StateBody;
      const binding = input.binding && /^[0-9a-f]{32}$/.test(input.binding) ? input.binding : newBinding();
      if (input.linkToken !== undefined) {
        const link = this.d.tokens.open<{ u: string; p: string }>('link', input.linkToken);
        if (!link || link.body.p !== spec.name || !(await this.useOnce(link.id, link.exp))) throw new OAuthFlowError('invalid_link');
        body = { p: spec.name, m: 'link', u: link.body.u, b: this.d.tokens.bindingTag(binding) };
      } else {
        body = { p: spec.name, m: 'login', b: this.d.tokens.bindingTag(binding) };
      }
      const { token, id } = this.d.tokens.seal('state', body as unknown as Record<string, unknown>, STATE_LIFETIME);
      const url = await this.d.client.authorizationUrl(spec, { state: token, nonce: this.d.tokens.nonce(id), challenge: pkceChallenge(this.d.tokens.verifier(id)) });
      return { redirect: url, binding };
    } catch (err) {
      return this.failure(providerName, err);
    }
  }

  /** The provider's redirect back (`GET`, or `POST` for form_post): sign in, sign up, link or refuse. */
  async callback(providerName: string, p: { code?: string; state?: string; error?: string; iss?: string }, binding: string | undefined, ctx: RequestContext): Promise<FlowOutcome> {
    try {
      const spec = this.spec(providerName);
      const { limiter, settings } = this.d.identity;
      if (!(await limiter.hit('login-ip', ctx.ip, settings.rates.loginIp))) throw new OAuthFlowError('too_many_requests');
      const state = this.d.tokens.open<StateBody>('state', p.state);
      if (!state || state.body.p !== spec.name) throw new OAuthFlowError('invalid_state', 'forged, expired or for another provider');
      if (!this.d.tokens.bindingMatches(binding, state.body.b)) throw new OAuthFlowError('invalid_state', 'started in another browser');
      if (!(await this.useOnce(state.id, state.exp))) throw new OAuthFlowError('invalid_state', 'used before');
      if (p.error !== undefined) throw new OAuthFlowError('provider_denied', `provider error ${p.error.slice(0, 40)}`);
      if (!p.code || !this.d.client.issuerMatches(spec, p.iss)) throw new OAuthFlowError('invalid_response', p.code ? 'iss mismatch' : 'no code');
      const profile = await this.d.client.profile(spec, { code: p.code, verifier: this.d.tokens.verifier(state.id), nonce: this.d.tokens.nonce(state.id) });
      if (state.body.m === 'link') return await this.linkFlow(spec, profile, state.body.u!, ctx);
      return await this.signInFlow(spec, profile, state.body.b, ctx);
    } catch (err) {
      return this.failure(providerName, err);
    }
  }

  private async linkFlow(spec: OAuthProviderSpec, profile: ProviderProfile, uid: string, ctx: RequestContext): Promise<FlowOutcome> {
    const { db } = this.d.identity;
    const user = await usersRepo.byUid(db, uid);
    if (!user || !LOGIN_STATES.has(user.state)) throw new OAuthFlowError('invalid_link', 'the account cannot sign in');
    const owner = await oauthIdentitiesRepo.find(db, spec.name, profile.subject);
    if (owner) {
      if (owner.userId !== user.id) throw new OAuthFlowError('identity_taken');
      return { redirect: this.result({ result: 'linked', provider: spec.name }) };
    }
    if (!(await this.d.social.link(user, spec.name, profile, ctx))) {
      const again = await oauthIdentitiesRepo.find(db, spec.name, profile.subject);
      throw new OAuthFlowError(again && again.userId !== user.id ? 'identity_taken' : 'already_linked');
    }
    return { redirect: this.result({ result: 'linked', provider: spec.name }) };
  }

  /**
   * Finds or creates the user and hands the browser a sign-in token (not a session: the frontend
   * redeems it with `POST identity/sessions/oauth`, which answers like password login, with the
   * csrf_token, and asks for the 2FA code when the user has 2FA). A user with codes by mail gets
   * one now: the frontend asks for it as for an authenticator code (`tfa_type` says which).
   */
  private async signInFlow(spec: OAuthProviderSpec, profile: ProviderProfile, bindingTag: string, ctx: RequestContext): Promise<FlowOutcome> {
    const { db } = this.d.identity;
    const linked = await oauthIdentitiesRepo.find(db, spec.name, profile.subject);
    let user: User | null;
    let result = 'signed_in';
    if (linked) {
      user = await usersRepo.byId(db, linked.userId);
      if (!user) throw new OAuthFlowError('invalid_profile', 'linked user vanished');
    } else {
      if (!profile.email || !profile.emailVerified) throw new OAuthFlowError('email_not_verified');
      if (await usersRepo.byEmail(db, profile.email)) throw new OAuthFlowError('account_exists');
      try {
        user = await this.d.social.create(spec.name, { ...profile, email: profile.email }, ctx);
      } catch (err) {
        if (err instanceof CreateConflict) throw new OAuthFlowError(err.what === 'email' ? 'account_exists' : 'identity_taken', 'lost a race');
        throw err;
      }
      result = 'signed_up';
    }
    const refusal = refusalFor(user);
    if (refusal) {
      await this.d.social.failed(user, ctx, 'login', refusal.reason);
      throw new OAuthFlowError(refusal.state);
    }
    const type = await this.d.secondFactor.typeOf(user);
    if (type === 'email' && !(await this.d.secondFactor.mail(user, ctx))) throw new OAuthFlowError('too_many_requests', 'sign-in code mails');
    const body: SignInBody = { u: user.uid, p: spec.name, a: this.uaTag(ctx), b: bindingTag };
    const { token } = this.d.tokens.seal('signin', body as unknown as Record<string, unknown>, SIGN_IN_LIFETIME);
    const params: Record<string, string> = type === 'none' ? { result, provider: spec.name, token } : { result: 'otp_required', provider: spec.name, token, tfa_type: type };
    return { redirect: this.result(params) };
  }

  /**
   * `POST identity/sessions/oauth`: redeems the callback's sign-in token in the browser that ran
   * the flow (same binding cookie and User-Agent) with the checks of password login: state, and
   * the 2FA code of the user's type, authenticator or mailed (missing → 401, wrong → 403; the token
   * stays good until it is redeemed or expires, within the 2FA attempt budget). Single use.
   */
  async redeem(input: { token: string; otpCode?: string; binding?: string }, ctx: RequestContext): Promise<OpenedSession> {
    const { db, kv, limiter, settings } = this.d.identity;
    const pending = this.d.tokens.open<SignInBody>('signin', input.token);
    const valid = pending && pending.body.a === this.uaTag(ctx) && this.d.tokens.bindingMatches(input.binding, pending.body.b)
      && (await kv.get(usedKey(pending.id))) === null;
    if (!valid) throw new AppError('identity.session.oauth.invalid_token');
    const user = await usersRepo.byUid(db, pending.body.u);
    if (!user) throw new AppError('identity.session.oauth.invalid_token');
    const account = user.email.toLowerCase();
    const limits = await limiter.hitAndPeek(
      { bucket: 'login-ip', id: ctx.ip, rule: settings.rates.loginIp },
      { bucket: 'login-fail', id: account, rule: settings.rates.loginAccount },
    );
    if (!limits.withinHit || limits.peekExhausted) throw new AppError('identity.session.too_many_requests');
    const refusal = refusalFor(user);
    if (refusal) {
      await this.d.social.failed(user, ctx, 'login', refusal.reason);
      throw new AppError(REFUSAL_KEYS[refusal.state]);
    }
    const type = await this.d.secondFactor.typeOf(user);
    const second = await this.d.secondFactor.check(user, type, input.otpCode, ctx);
    if (second === 'missing') throw new AppError('identity.session.missing_otp');
    if (second === 'invalid') {
      await limiter.hit('login-fail', account, settings.rates.loginAccount);
      await this.d.social.failed(user, ctx, 'login::2fa', 'OTP code is invalid');
      throw new AppError('identity.session.invalid_otp');
    }
    if (!(await this.useOnce(pending.id, pending.exp))) throw new AppError('identity.session.oauth.invalid_token');
    if (limits.peekUsed) await limiter.reset('login-fail', account);
    return this.d.social.openSession(user, ctx, type === 'none' ? 'login' : 'login::2fa');
  }

  /**
   * `DELETE resource/oauth/<provider>`. Refused when it would leave the user no way to sign in:
   * no usable password and no other linked provider that is still configured.
   */
  async unlink(user: User, provider: string, ctx: RequestContext): Promise<void> {
    const { db } = this.d.identity;
    await db.tx(async (q) => {
      const locked = (await usersRepo.lockById(q, user.id))!;
      const identities = await oauthIdentitiesRepo.forUser(q, user.id);
      if (!identities.some((i) => i.provider === provider)) throw new AppError('resource.oauth.not_linked');
      const usable = new Set([...this.byName.keys(), ...this.d.settings.extraSignInProviders]);
      const others = identities.some((i) => i.provider !== provider && usable.has(i.provider));
      if (!hasUsablePassword(locked) && !others) throw new AppError('resource.oauth.last_login_method');
      await oauthIdentitiesRepo.remove(q, user.id, provider);
      await this.d.identity.activities.record(q, ctx, { userId: user.id, topic: 'account', action: `unlink ${provider}`, result: 'succeed' });
    });
  }

  private spec(name: string): OAuthProviderSpec {
    const spec = this.byName.get(name);
    if (!spec) throw new OAuthFlowError('unknown_provider');
    return spec;
  }

  /** Marks a token id used; false when it was used before. Kept until the token expires anyway. */
  private useOnce(id: string, exp: number): Promise<boolean> {
    return this.d.identity.kv.setIfAbsent(usedKey(id), '1', this.d.tokens.secondsLeft(exp) + 60);
  }

  private uaTag(ctx: RequestContext): string {
    return this.d.tokens.bindingTag(`ua:${ctx.userAgent}`);
  }

  private result(params: Record<string, string>): string {
    const url = new URL(this.d.settings.resultUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  private failure(provider: string, err: unknown): FlowOutcome {
    if (!(err instanceof OAuthFlowError)) throw err;
    this.d.warn({ provider: this.byName.has(provider) ? provider : '<unknown>', error: err.code, detail: err.detail }, 'social sign-in failed');
    // The path segment is echoed only when it is a provider name (it reaches the frontend's URL).
    const params: Record<string, string> = { result: 'error', error: err.code };
    if (/^[a-z][a-z0-9_-]{0,31}$/.test(provider)) params.provider = provider;
    return { redirect: this.result(params) };
  }
}
