import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { OAuthHttp } from '../../infra/oauth/http.js';
import { OAuthFlowError } from './flow-error.js';
import { isAllowedUrl, type OAuthProviderSpec } from './providers.js';

/** Where a provider's endpoints are, after discovery. */
export interface ProviderEndpoints {
  authorization: string;
  token: string;
  userinfo: string | null;
  jwks: string | null;
}

interface Cached<T> { value: T; at: number }

/** Asymmetric algorithms only: `none` and HMAC (keyed with the client secret) are never accepted. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Discovery documents and key sets, cached in memory per instance. Discovery is fetched when a
 * provider is first used (a provider being down does not stop the boot) and kept for `ttlMs`.
 * A key set is kept as long and fetched again early when a token names a key it lacks (the
 * provider rotated), at most once per `refreshGapMs` so that forged `kid`s cannot make us hammer
 * the provider. Concurrent misses share one request.
 */
export class OidcDirectory {
  private readonly discovery = new Map<string, Cached<Record<string, unknown>>>();
  private readonly keySets = new Map<string, Cached<ReturnType<typeof createLocalJWKSet>>>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly http: OAuthHttp,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 3_600_000,
    private readonly refreshGapMs = 60_000,
  ) {}

  async endpoints(spec: OAuthProviderSpec): Promise<ProviderEndpoints> {
    const explicit = spec.endpoints;
    if (spec.kind === 'oauth2') {
      return { authorization: explicit.authorization!, token: explicit.token!, userinfo: explicit.userinfo ?? null, jwks: explicit.jwks ?? null };
    }
    const needDiscovery = !explicit.authorization || !explicit.token || !explicit.jwks || !explicit.userinfo;
    const doc = needDiscovery ? await this.discover(spec.issuer!) : {};
    const pick = (mine: string | undefined, key: string): string | null => {
      const v = mine ?? doc[key];
      return typeof v === 'string' && isAllowedUrl(v) ? v : null;
    };
    const authorization = pick(explicit.authorization, 'authorization_endpoint');
    const token = pick(explicit.token, 'token_endpoint');
    const jwks = pick(explicit.jwks, 'jwks_uri');
    if (!authorization || !token || !jwks) throw new OAuthFlowError('provider_unavailable', `${spec.name}: discovery lacks an endpoint`);
    return { authorization, token, jwks, userinfo: pick(explicit.userinfo, 'userinfo_endpoint') };
  }

  /** Verifies a JWT against the key set at `jwksUri` (signature first, then `options`). */
  async verifyJwt(token: string, jwksUri: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    const opts = { algorithms: ID_TOKEN_ALGORITHMS, ...options };
    const cached = this.keySets.get(jwksUri);
    const fresh = cached && this.now() - cached.at < this.ttlMs ? cached : await this.loadKeys(jwksUri);
    try {
      return (await jwtVerify(token, fresh.value, opts)).payload;
    } catch (err) {
      const unknownKey = err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys;
      if (!unknownKey || this.now() - fresh.at < this.refreshGapMs) throw err;
      return (await jwtVerify(token, (await this.loadKeys(jwksUri)).value, opts)).payload;
    }
  }

  private async discover(issuer: string): Promise<Record<string, unknown>> {
    const cached = this.discovery.get(issuer);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.value;
    return this.once(`d:${issuer}`, async () => {
      const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await this.fetchJson(url);
      // OpenID Connect Discovery §4.3: the document must name the issuer it was asked for.
      if (res.issuer !== issuer) throw new OAuthFlowError('provider_unavailable', 'discovery names another issuer');
      this.discovery.set(issuer, { value: res, at: this.now() });
      return res;
    });
  }

  private loadKeys(jwksUri: string): Promise<Cached<ReturnType<typeof createLocalJWKSet>>> {
    return this.once(`k:${jwksUri}`, async () => {
      const doc = await this.fetchJson(jwksUri);
      if (!Array.isArray(doc.keys)) throw new OAuthFlowError('provider_unavailable', 'key set without keys');
      const entry = { value: createLocalJWKSet(doc as unknown as JSONWebKeySet), at: this.now() };
      this.keySets.set(jwksUri, entry);
      return entry;
    });
  }

  private async fetchJson(url: string): Promise<Record<string, unknown>> {
    let res;
    try {
      res = await this.http.getJson(url);
    } catch (err) {
      throw new OAuthFlowError('provider_unavailable', (err as Error).message);
    }
    if (res.status !== 200 || !res.body || typeof res.body !== 'object') {
      throw new OAuthFlowError('provider_unavailable', `${new URL(url).origin} answered ${res.status}`);
    }
    return res.body as Record<string, unknown>;
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
