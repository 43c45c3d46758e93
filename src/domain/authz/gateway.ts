import type { GeoIp } from '../../infra/geoip/geoip.js';
import { andThen, type Awaitable } from '../../lib/awaitable.js';
import type { SessionService } from '../sessions/session-service.js';
import { LOGIN_STATES } from '../users/user.js';
import type { AdminAudit } from './admin-audit.js';
import { checkPermission, checkRestrictions, pathRule } from './decide.js';
import type { JwtIssuer } from './jwt-issuer.js';
import type { PolicyCache } from './policy-cache.js';
import type { UserSnapshot, UserSnapshots } from './user-snapshots.js';

/** What the gateway forwards about the original request (BARONG.md §11.1). */
export interface GatewayFacts {
  method: string;
  /** The original path without its leading slash, e.g. `api/v2/auth/resource/users/me`. */
  path: string;
  /** Parameters the admin activity keeps: the query, plus the scalar parameters of a body when one came (the gateway forwarded it, or the admin API was called directly). */
  query: Record<string, unknown>;
  ip: string;
  userAgent: string;
  sessionId?: string;
  csrfToken?: string;
  apiKey?: { kid?: string; nonce?: string; signature?: string };
}

export type GatewayResult =
  | { allow: true; authorization?: string }
  | { allow: false; key: string; status: number };

export interface Principal { snapshot: UserSnapshot }

export type ApiKeyAuthentication = { ok: true; user: UserSnapshot } | { ok: false; key: string; status: number };

/** API-key authentication is plugged in by the API-key service (BARONG.md §11.5). */
export interface ApiKeyAuthenticator {
  authenticate(f: GatewayFacts): Awaitable<ApiKeyAuthentication>;
}

export function hasApiKeyHeaders(f: GatewayFacts): boolean {
  return !!f.apiKey && (f.apiKey.kid !== undefined || f.apiKey.nonce !== undefined || f.apiKey.signature !== undefined);
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE']);
const deny = (key: string, status: number): GatewayResult => ({ allow: false, key, status });

/**
 * The auth-gateway check (BARONG.md §11 with Warden's decisions): restrictions → block/pass
 * rules → session cookie (+CSRF) or API key → permissions → a signed JWT. On the common path
 * the only I/O is one key-value read (the session); policies and users come from memory.
 */
export class Gateway {
  // Built once: every check compares the request's path with them.
  private readonly accessPath: string;
  private readonly loginPaths: ReadonlySet<string>;
  private readonly loginPath: string;
  private readonly oauthPrefix: string;

  constructor(private readonly d: {
    policy: PolicyCache; sessions: SessionService; users: UserSnapshots; issuer: JwtIssuer; geoip: GeoIp; audit: AdminAudit;
    apiKeys?: ApiKeyAuthenticator; csrfProtection: boolean; apiPrefix: string;
  }) {
    const base = d.apiPrefix.replace(/^\/+/, '');
    this.accessPath = `${base}/identity/users/access`;
    this.loginPath = `${base}/identity/sessions`;
    this.loginPaths = new Set([this.loginPath, `${this.loginPath}/auth0`, `${this.loginPath}/oauth`]);
    this.oauthPrefix = `${base}/identity/oauth/`;
  }

  /** Paths that sign a user in (blocklogin applies): password login, Auth0, social login (the flow and its sign-in step). */
  private isLoginPath(path: string) {
    return this.loginPaths.has(path) || path.startsWith(this.oauthPrefix);
  }

  /** A value when every step is answered from memory (refusals, mostly), else a promise. */
  check(f: GatewayFacts): Awaitable<GatewayResult> {
    const policy = this.d.policy.current;
    if (f.path !== this.accessPath) {
      const denial = checkRestrictions(policy.restrictions, { path: f.path, ip: f.ip, location: () => this.d.geoip.lookup(f.ip), loginPath: this.isLoginPath(f.path) ? f.path : this.loginPath });
      if (denial) return deny(denial.key, denial.status);
    }
    const rule = pathRule(policy.rules, f.path);
    if (rule === 'block') return deny('authz.permission_denied', 401);
    if (rule === 'pass') return { allow: true };

    return andThen(this.authenticate(f), (who) => this.withPrincipal(f, who));
  }

  private withPrincipal(f: GatewayFacts, who: ApiKeyAuthentication): GatewayResult {
    if (!who.ok) return deny(who.key, who.status);
    const permitted = this.authorize(who.user, f);
    if (!permitted.ok) return deny(permitted.key, permitted.status);
    const user = who.user;
    const token = this.d.issuer.issueFor(user, () => (user.serviceAccount
      ? { uid: user.uid, email: user.email, role: user.role, level: user.level, state: user.state }
      : { uid: user.uid, username: user.username, email: user.email, referral_id: user.referralId, role: user.role, level: user.level, state: user.state }));
    return { allow: true, authorization: `Bearer ${token}` };
  }

  /** Who is calling: API key when any X-Auth-* header is present (§11.5), else the session cookie (§11.4). */
  authenticate(f: GatewayFacts): Awaitable<ApiKeyAuthentication> {
    if (hasApiKeyHeaders(f)) {
      if (!this.d.apiKeys) return { ok: false, key: 'authz.invalid_api_key_headers', status: 422 };
      return this.d.apiKeys.authenticate(f);
    }
    return this.fromSession(f).then((r) => ('allow' in r ? { ok: false, key: (r as { key: string }).key, status: (r as { status: number }).status } : { ok: true, user: r }));
  }

  /** Role permissions for the request (§11.6); denials and audited calls become admin activities. */
  authorize(user: UserSnapshot, f: GatewayFacts): { ok: true } | { ok: false; key: string; status: number } {
    const decision = checkPermission(this.d.policy.current.permissions, user.role, f.method, f.path);
    if (!decision.allowed) {
      this.audit(user, f, null, 'denied');
      return { ok: false, key: 'authz.invalid_permission', status: 401 };
    }
    if (decision.audited) this.audit(user, f, decision.auditTopic, 'succeed');
    return { ok: true };
  }

  private async fromSession(f: GatewayFacts): Promise<UserSnapshot | GatewayResult> {
    if (this.d.csrfProtection && STATE_CHANGING.has(f.method.toUpperCase())) {
      if (!f.csrfToken) return deny('authz.missing_csrf_token', 401);
      const stored = await this.d.sessions.read(f.sessionId);
      if (!stored || !this.d.sessions.csrfMatches(stored, f.csrfToken)) return deny('authz.csrf_token_mismatch', 401);
    }
    const check = await this.d.sessions.check(f.sessionId, f.ip, f.userAgent);
    if (!check.ok) return deny(check.reason === 'invalid_session' ? 'authz.invalid_session' : 'authz.client_session_mismatch', 401);
    const user = await this.d.users.get(check.session.uid);
    if (!user) return deny('authz.invalid_session', 401);
    if (!LOGIN_STATES.has(user.state)) return deny('authz.user_not_active', 401);
    return user;
  }

  private audit(user: UserSnapshot, f: GatewayFacts, topic: string | null, result: 'succeed' | 'denied'): void {
    if (user.serviceAccount) return; // admin activities are written for User holders only (§18.2)
    this.d.audit.record({
      userId: user.id, ip: f.ip, country: this.d.geoip.lookup(f.ip).country, userAgent: f.userAgent, method: f.method, path: f.path,
      topic, result, params: f.query,
    });
  }
}
