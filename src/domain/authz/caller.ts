import { AppError } from '../../errors/app-error.js';
import type { Queryable } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import { verifyWithKeys, type VerifyingKey } from '../../lib/jws.js';
import { LOGIN_STATES, type User } from '../users/user.js';
import { hasApiKeyHeaders, type Gateway, type GatewayFacts } from './gateway.js';

/** The facts about a request that decide who is calling. */
export interface CallerFacts extends GatewayFacts {
  authorization?: string;
}

export interface Caller { user: User; via: 'bearer' | 'session' | 'api_key'; sessionId?: string }

/**
 * Resolves the caller of a resource/admin route. Behind a gateway: its JWT
 * (`Authorization: Bearer`), as Barong does. Without one: the session cookie (with CSRF on
 * state-changing verbs) or API-key headers, through the gateway's own authentication and
 * permission code. Users who are not active/pending are refused even with a still-valid JWT
 * (Warden fix #19).
 */
export class CallerResolver {
  constructor(
    private readonly db: Queryable,
    private readonly gateway: Gateway,
    private readonly verificationKeys: ReadonlyArray<VerifyingKey>,
    private readonly now: () => number = Date.now,
    /** Token sign-in's device sessions: a JWT with `sid` is refused once its session ended. */
    private readonly tokenSessions?: { isActive(sid: string, user: User): Promise<boolean> },
  ) {}

  async resolve(f: CallerFacts): Promise<Caller> {
    if (f.authorization !== undefined) return { user: await this.fromBearer(f.authorization), via: 'bearer' };
    const apiKey = hasApiKeyHeaders(f);
    if (!apiKey && f.sessionId === undefined) throw new AppError('jwt.decode_and_verify');
    const who = await this.gateway.authenticate(f);
    if (!who.ok) throw new AppError([who.key], { status: who.status });
    const permitted = this.gateway.authorize(who.user, f);
    if (!permitted.ok) throw new AppError([permitted.key], { status: permitted.status });
    const user = await usersRepo.byUid(this.db, who.user.uid);
    if (!user) throw new AppError('authz.invalid_session');
    if (!LOGIN_STATES.has(user.state)) throw new AppError('authz.user_not_active');
    return { user, via: apiKey ? 'api_key' : 'session', sessionId: apiKey ? undefined : f.sessionId };
  }

  private async fromBearer(header: string): Promise<User> {
    // Token sign-in clients (the NBC gate door) may send the access token without the scheme.
    const m = /^(?:Bearer )?(\S+)$/.exec(header);
    if (!m) throw new AppError('jwt.decode_and_verify');
    let claims: Record<string, unknown>;
    try {
      claims = verifyWithKeys(m[1], this.verificationKeys).claims;
    } catch {
      throw new AppError('jwt.decode_and_verify');
    }
    const now = Math.floor(this.now() / 1000);
    const bad = (typeof claims.exp !== 'number' || now >= claims.exp)
      || (typeof claims.nbf === 'number' && now < claims.nbf)
      || (typeof claims.iat === 'number' && claims.iat > now)
      || typeof claims.jti !== 'string' || claims.jti.trim() === ''
      || claims.sub !== 'session' || typeof claims.uid !== 'string' || claims.uid === '';
    if (bad) throw new AppError('jwt.decode_and_verify');
    const user = await usersRepo.byUid(this.db, claims.uid as string);
    if (!user) throw new AppError('record.not_found');
    if (!LOGIN_STATES.has(user.state)) throw new AppError('authz.user_not_active');
    if (claims.sid !== undefined && (typeof claims.sid !== 'string' || !this.tokenSessions || !(await this.tokenSessions.isActive(claims.sid, user)))) {
      throw new AppError('jwt.decode_and_verify');
    }
    return user;
  }
}
