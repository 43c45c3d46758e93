import type { Queryable } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { AccessClaims } from '../tokens/access-tokens.js';
import { LOGIN_STATES, type User } from '../users/user.js';
import type { IssuedTokens, TokenAuthDeps } from './deps.js';

/** Who presented a valid access token. */
export interface TokenCaller { user: User; sid: string; claims: AccessClaims }

/** Device sessions of token sign-in: opened, refreshed, checked and ended. */
export class TokenSessions {
  constructor(private readonly d: TokenAuthDeps) {}

  /** Opens a family inside the caller's transaction; `issue` makes the tokens after commit. */
  async open(q: Queryable, user: User, ctx: RequestContext): Promise<{ sid: string; refreshToken: string }> {
    return this.d.refresh.open(q, user, ctx);
  }

  issue(user: User, opened: { sid: string; refreshToken: string }): IssuedTokens {
    return { accessToken: this.d.access.issue(user, opened.sid), ...opened };
  }

  /** POST /auth/token/refresh: the next refresh token of the family and a new access token. */
  async refresh(refreshToken: string | undefined, ctx: RequestContext): Promise<IssuedTokens> {
    if (!refreshToken) throw new AppError('tokens.refresh.missing');
    const rotated = await this.d.refresh.rotate(refreshToken, ctx);
    return this.issue(rotated.user, rotated);
  }

  /**
   * An access token's caller: valid signature and lifetime, a live family of that user
   * (not logged out, not revoked, password unchanged) and a state that may sign in.
   */
  async authenticate(token: string | undefined): Promise<TokenCaller> {
    if (!token) throw new AppError('auth.token_required');
    const claims = this.d.access.verify(token);
    const user = await usersRepo.byUid(this.d.identity.db, claims.uid);
    if (!user || !LOGIN_STATES.has(user.state) || !(await this.d.refresh.isActive(claims.sid, user))) throw new AppError('tokens.access.invalid');
    return { user, sid: claims.sid, claims };
  }

  /**
   * Ends every token session of every user (enabling a blocklogin restriction ends every
   * session, BARONG.md §2.11: this door's as well as the cookie sessions). Returns how many.
   */
  endEveryone(): Promise<number> {
    return this.d.refresh.revokeEveryone(this.d.identity.db, 'blocklogin');
  }

  /** For the resource API (CallerResolver): a token with `sid` is good while its family lives. */
  isActive(sid: string, user: User): Promise<boolean> {
    return this.d.refresh.isActive(sid, user);
  }

  /**
   * POST /auth/log-out: ends the family named by the access token (or, without one, by the
   * refresh token). Logging out twice, or with a dead token, is not an error: the session is gone.
   */
  async logOut(input: { accessToken?: string; refreshToken?: string }, ctx: RequestContext): Promise<void> {
    if (!input.accessToken && !input.refreshToken) throw new AppError('auth.token_required');
    let target: { sid: string; userId: number } | null = null;
    if (input.accessToken) {
      try {
        const caller = await this.authenticate(input.accessToken);
        target = { sid: caller.sid, userId: caller.user.id };
      } catch (err) {
        // An expired access token with the refresh cookie still logs out.
        if (!input.refreshToken) throw err;
      }
    }
    if (!target && input.refreshToken) target = await this.d.refresh.familyOf(input.refreshToken);
    if (!target) return;
    const { sid, userId } = target;
    await this.d.identity.db.tx(async (q) => {
      if (await this.d.refresh.revoke(q, sid, 'logout')) {
        await this.d.identity.activities.record(q, ctx, { userId, topic: 'session', action: 'logout', result: 'succeed' });
      }
    });
  }
}
