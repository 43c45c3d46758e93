import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.js';
import { refreshTokensRepo } from '../../db/repositories/refresh-tokens.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import { randomHex } from '../../lib/random.js';
import { sha256Hex } from '../../lib/timing-safe.js';
import type { ActivityLog, RequestContext } from '../activities/activity-log.js';
import { LOGIN_STATES, type User } from '../users/user.js';

export interface RefreshTokenDeps { db: Db; activities: ActivityLog; lifetimeSeconds: number; now: () => number }

/** Why a family ended (stored in refresh_token_families.revoke_reason). */
export type RevokeReason = 'logout' | 'reuse' | 'password_recovery' | 'password_change' | 'tfa_reset' | 'tfa_enabled' | 'password_changed_elsewhere' | 'blocklogin';

const hashOf = (token: string) => sha256Hex(token);

/** The password digest as a family remembers it: a new password anywhere ends the family. */
export const passwordFingerprint = (user: User) => sha256Hex(`warden-family:${user.passwordDigest}`);

/** A refresh token: 256 random bits, base64url. Only its SHA-256 is stored. */
const newToken = () => randomBytes(32).toString('base64url');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Refresh-token families (one per signed-in device). A token is used once: refreshing rotates
 * it. Presenting a rotated token again means two parties hold the family (a stolen token), so
 * the whole family is revoked and the reuse recorded as an activity.
 */
export class RefreshTokens {
  constructor(private readonly d: RefreshTokenDeps) {}

  async open(q: Queryable, user: User, ctx: RequestContext): Promise<{ sid: string; refreshToken: string }> {
    const sid = randomHex(32);
    const refreshToken = newToken();
    await refreshTokensRepo.insertFamily(q, {
      id: sid, userId: user.id, passwordFingerprint: passwordFingerprint(user), userIp: ctx.ip, userAgent: ctx.userAgent,
      expiresAt: new Date(this.d.now() + this.d.lifetimeSeconds * 1000),
    });
    await refreshTokensRepo.insertToken(q, sid, hashOf(refreshToken));
    return { sid, refreshToken };
  }

  /** Exchanges a refresh token for the next one of its family. */
  async rotate(token: string, ctx: RequestContext): Promise<{ user: User; sid: string; refreshToken: string }> {
    if (!TOKEN_SHAPE.test(token)) throw new AppError('tokens.refresh.invalid');
    const now = new Date(this.d.now());
    type Failure = { fail: 'tokens.refresh.invalid' | 'tokens.refresh.reused' };
    const out = await this.d.db.tx(async (q): Promise<Failure | { user: User; sid: string; refreshToken: string }> => {
      const stored = await refreshTokensRepo.lockByHash(q, hashOf(token));
      if (!stored) return { fail: 'tokens.refresh.invalid' };
      const { family } = stored;
      if (family.revokedAt || family.expiresAt <= now) return { fail: 'tokens.refresh.invalid' };
      if (stored.rotatedAt || !(await refreshTokensRepo.markRotated(q, stored.id, now))) {
        await refreshTokensRepo.revokeFamily(q, family.id, 'reuse', now);
        await this.d.activities.record(q, ctx, {
          userId: family.userId, topic: 'session', action: 'refresh token reuse', result: 'failed',
          reason: 'A rotated refresh token was used again: the session was revoked',
        });
        return { fail: 'tokens.refresh.reused' };
      }
      const user = await usersRepo.byId(q, family.userId);
      if (!user || !LOGIN_STATES.has(user.state)) return { fail: 'tokens.refresh.invalid' };
      if (passwordFingerprint(user) !== family.passwordFingerprint) {
        await refreshTokensRepo.revokeFamily(q, family.id, 'password_changed_elsewhere', now);
        return { fail: 'tokens.refresh.invalid' };
      }
      const refreshToken = newToken();
      await refreshTokensRepo.insertToken(q, family.id, hashOf(refreshToken));
      return { user, sid: family.id, refreshToken };
    });
    // Thrown after the commit: a detected reuse must stay revoked.
    if ('fail' in out) throw new AppError(out.fail);
    return out;
  }

  /** The family a refresh token belongs to, whatever its state (log-out by refresh token). */
  async familyOf(token: string): Promise<{ sid: string; userId: number } | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const family = await refreshTokensRepo.familyByHash(this.d.db, hashOf(token));
    return family ? { sid: family.id, userId: family.userId } : null;
  }

  revoke(q: Queryable, sid: string, reason: RevokeReason): Promise<boolean> {
    return refreshTokensRepo.revokeFamily(q, sid, reason, new Date(this.d.now()));
  }

  revokeAllFor(q: Queryable, userId: number, reason: RevokeReason, keepSid?: string): Promise<number> {
    return refreshTokensRepo.revokeAllFor(q, userId, reason, new Date(this.d.now()), keepSid);
  }

  revokeEveryone(q: Queryable, reason: RevokeReason): Promise<number> {
    return refreshTokensRepo.revokeEveryone(q, reason, new Date(this.d.now()));
  }

  /** After a password change made on this device: the family follows the new password. */
  keepAfterPasswordChange(q: Queryable, sid: string, user: User): Promise<void> {
    return refreshTokensRepo.updateFingerprint(q, sid, passwordFingerprint(user));
  }

  /** Whether access tokens of this family may still be used by this user. */
  async isActive(sid: string, user: User, q: Queryable = this.d.db): Promise<boolean> {
    const family = await refreshTokensRepo.family(q, sid);
    return !!family && family.userId === user.id && family.revokedAt === null && family.expiresAt.getTime() > this.d.now()
      && family.passwordFingerprint === passwordFingerprint(user);
  }
}
