import { errors as joseErrors, importPKCS8, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { OAuthHttp } from '../../infra/oauth/http.js';
import { safeEqual } from '../../lib/timing-safe.js';
import type { OidcDirectory, ProviderEndpoints } from './directory.js';
import { OAuthFlowError } from './flow-error.js';
import { profileFrom, type ProviderProfile } from './profile.js';
import type { OAuthProviderSpec } from './providers.js';

/** Seconds of clock difference tolerated on `exp`/`nbf` of provider tokens. */
export const CLOCK_TOLERANCE = 60;

/** Authorization request parameters Warden sets itself; `auth_params` cannot replace them. */
const RESERVED = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode']);

/**
 * One provider conversation: the authorization URL, then (at the callback) the code exchange,
 * ID token validation and user info. Provider tokens live only in this call's memory: they are
 * neither stored nor logged.
 */
export class ProviderClient {
  private readonly appleKeys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly dir: OidcDirectory, private readonly http: OAuthHttp, private readonly now: () => number = Date.now) {}

  async authorizationUrl(spec: OAuthProviderSpec, flow: { state: string; nonce: string; challenge: string }): Promise<string> {
    const { authorization } = await this.dir.endpoints(spec);
    const url = new URL(authorization);
    const p = url.searchParams;
    for (const [k, v] of Object.entries(spec.authParams)) if (!RESERVED.has(k)) p.set(k, v);
    p.set('response_type', 'code');
    p.set('client_id', spec.clientId);
    p.set('redirect_uri', spec.redirectUri);
    if (spec.scopes.length) p.set('scope', spec.scopes.join(' '));
    p.set('state', flow.state);
    if (spec.kind === 'oidc') p.set('nonce', flow.nonce);
    if (spec.pkce) {
      p.set('code_challenge', flow.challenge);
      p.set('code_challenge_method', 'S256');
    }
    if (spec.responseMode === 'form_post') p.set('response_mode', 'form_post');
    return url.toString();
  }

  /** Issuer check of the authorization response (RFC 9207), when the provider sends `iss`. */
  issuerMatches(spec: OAuthProviderSpec, iss: string | undefined): boolean {
    return iss === undefined || spec.issuer === null || iss === spec.issuer;
  }

  async profile(spec: OAuthProviderSpec, flow: { code: string; verifier: string; nonce: string }): Promise<ProviderProfile> {
    const ep = await this.dir.endpoints(spec);
    const tokens = await this.exchange(spec, ep, flow.code, flow.verifier);
    let claims: Record<string, unknown> = {};
    if (spec.kind === 'oidc') {
      if (typeof tokens.id_token !== 'string') throw new OAuthFlowError('invalid_id_token', `${spec.name}: no id_token in the token response`);
      claims = await this.verifyIdToken(spec, ep, tokens.id_token, flow.nonce);
    }
    // Providers may keep the email out of the ID token (OpenID Connect §5.4: scope claims go to
    // user info when an access token is issued).
    const incomplete = claims.email === undefined || (claims.email_verified === undefined && !spec.trustEmail);
    if ((spec.kind === 'oauth2' || incomplete) && ep.userinfo && typeof tokens.access_token === 'string') {
      const info = await this.userinfo(spec, ep.userinfo, tokens.access_token);
      if (spec.kind === 'oidc' && info.sub !== claims.sub) throw new OAuthFlowError('invalid_profile', `${spec.name}: user info names another subject`);
      claims = { ...info, ...claims };
    }
    const profile = profileFrom(spec, claims);
    if (!profile) throw new OAuthFlowError('invalid_profile', `${spec.name}: no subject`);
    return profile;
  }

  private async exchange(spec: OAuthProviderSpec, ep: ProviderEndpoints, code: string, verifier: string): Promise<Record<string, unknown>> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: spec.redirectUri };
    if (spec.pkce) form.code_verifier = verifier;
    const secret = await this.clientSecret(spec);
    const headers: Record<string, string> = {};
    if (spec.tokenAuth === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both parts form-encoded before base64.
      const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${enc(spec.clientId)}:${enc(secret)}`).toString('base64')}`;
    } else {
      form.client_id = spec.clientId;
      form.client_secret = secret;
    }
    let res;
    try {
      res = await this.http.postForm(ep.token, form, headers);
    } catch (err) {
      throw new OAuthFlowError('provider_unavailable', `${spec.name}: ${(err as Error).message}`);
    }
    const body = res.body as Record<string, unknown> | null;
    if (res.status !== 200 || !body || typeof body !== 'object' || typeof body.access_token !== 'string') {
      const reason = body && typeof body.error === 'string' ? body.error.slice(0, 40) : 'no access token';
      throw new OAuthFlowError('token_exchange_failed', `${spec.name}: token endpoint answered ${res.status} (${reason})`);
    }
    return body;
  }

  private async verifyIdToken(spec: OAuthProviderSpec, ep: ProviderEndpoints, idToken: string, nonce: string): Promise<JWTPayload> {
    let claims: JWTPayload;
    try {
      claims = await this.dir.verifyJwt(idToken, ep.jwks!, {
        issuer: spec.issuer!, audience: spec.clientId, currentDate: new Date(this.now()), clockTolerance: CLOCK_TOLERANCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
    } catch (err) {
      if (err instanceof OAuthFlowError) throw err;
      const why = err instanceof joseErrors.JOSEError ? err.code : 'unreadable';
      const claim = (err as { claim?: unknown }).claim;
      throw new OAuthFlowError('invalid_id_token', `${spec.name}: ${why}${typeof claim === 'string' ? ` (${claim})` : ''}`);
    }
    // OpenID Connect Core §3.1.3.7: with several audiences, `azp` must be us.
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== spec.clientId) {
      throw new OAuthFlowError('invalid_id_token', `${spec.name}: azp is not this client`);
    }
    if (typeof claims.nonce !== 'string' || !safeEqual(claims.nonce, nonce)) throw new OAuthFlowError('invalid_id_token', `${spec.name}: nonce mismatch`);
    return claims;
  }

  private async userinfo(spec: OAuthProviderSpec, url: string, accessToken: string): Promise<Record<string, unknown>> {
    let res;
    try {
      res = await this.http.getJson(url, { authorization: `Bearer ${accessToken}` });
    } catch (err) {
      throw new OAuthFlowError('provider_unavailable', `${spec.name}: ${(err as Error).message}`);
    }
    if (res.status !== 200 || !res.body || typeof res.body !== 'object' || Array.isArray(res.body)) {
      throw new OAuthFlowError('invalid_profile', `${spec.name}: user info answered ${res.status}`);
    }
    return res.body as Record<string, unknown>;
  }

  /** The static secret, or Sign in with Apple's: an ES256 JWT valid for five minutes. */
  private async clientSecret(spec: OAuthProviderSpec): Promise<string> {
    const s = spec.clientSecret;
    if (s.kind === 'static') return s.value;
    let key = this.appleKeys.get(spec.name);
    if (!key) {
      key = importPKCS8(s.privateKeyPem, 'ES256');
      this.appleKeys.set(spec.name, key);
    }
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: s.keyId })
      .setIssuer(s.teamId).setSubject(spec.clientId).setAudience('https://appleid.apple.com')
      .setIssuedAt(iat).setExpirationTime(iat + 300)
      .sign(await key);
  }
}
