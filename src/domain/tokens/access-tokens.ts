import { AppError } from '../../errors/app-error.js';
import { verifyWithKeys, type JwsAlgorithm, type VerifyingKey } from '../../lib/jws.js';
import type { KeyObject } from 'node:crypto';
import { JwtIssuer } from '../authz/jwt-issuer.js';
import type { User } from '../users/user.js';

export interface AccessTokenKeys { algorithm: JwsAlgorithm; signingKey: KeyObject; kid: string; verificationKeys: ReadonlyArray<VerifyingKey> }

/** The claims of a valid access token (those of the gateway JWT plus `sid`). */
export interface AccessClaims extends Record<string, unknown> {
  uid: string; sid: string; email: string; role: string; level: number; state: string; iat: number; exp: number; jti: string;
}

/**
 * Access tokens of token sign-in: a JWT signed with Warden's key (so anything that trusts the
 * JWKS trusts it), with the gateway JWT's claims plus `sid`, the refresh-token family (device
 * session) it belongs to, so a logged-out session's tokens can be refused before they expire.
 */
export class AccessTokens {
  private readonly issuer: JwtIssuer;

  constructor(private readonly keys: AccessTokenKeys, readonly lifetimeSeconds: number, private readonly now: () => number = Date.now) {
    // No reuse cache: every sign-in or refresh gets a token of its own.
    this.issuer = new JwtIssuer(keys, lifetimeSeconds, now, { maxEntries: 0 });
  }

  issue(user: User, sid: string): string {
    return this.issuer.issue({
      uid: user.uid, username: user.username, email: user.email, referral_id: user.referralId,
      role: user.role, level: user.level, state: user.state, sid,
    });
  }

  /** Signature, lifetime and shape; the session behind `sid` is checked by the caller. */
  verify(token: string): AccessClaims {
    let claims: Record<string, unknown>;
    try {
      claims = verifyWithKeys(token, this.keys.verificationKeys).claims;
    } catch {
      throw new AppError('tokens.access.invalid');
    }
    const now = Math.floor(this.now() / 1000);
    const bad = typeof claims.exp !== 'number' || now >= claims.exp
      || (typeof claims.nbf === 'number' && now < claims.nbf)
      || typeof claims.iat !== 'number' || claims.iat > now
      || claims.sub !== 'session' || claims.iss !== 'barong'
      || typeof claims.uid !== 'string' || claims.uid === ''
      || typeof claims.sid !== 'string' || claims.sid === '';
    if (bad) throw new AppError('tokens.access.invalid');
    return claims as AccessClaims;
  }
}
