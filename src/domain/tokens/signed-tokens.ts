import type { KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { JwsError, signCompact, verifyWithKeys, type JwsAlgorithm, type VerifyingKey } from '../../lib/jws.js';
import { randomHex } from '../../lib/random.js';

const ISSUER = 'barong';
const AUDIENCE = ['peatio', 'barong'];

export interface SigningKeys { algorithm: JwsAlgorithm; signingKey: KeyObject; kid: string; verificationKeys: ReadonlyArray<VerifyingKey> }

/**
 * Email-confirmation and password-reset tokens (BARONG.md §12): compact JWS with Barong's
 * claims. Verification failures become 422 `jwt.decode_and_verify.<word>` like ruby-jwt's.
 */
export class SignedTokens {
  constructor(private readonly keys: SigningKeys, private readonly lifetimeSeconds: number, private readonly now: () => number = Date.now) {}

  sign(sub: 'confirmation' | 'reset' | 'session' | 'freeze', claims: Record<string, unknown>, lifetime = this.lifetimeSeconds): { token: string; jti: string } {
    const iat = Math.floor(this.now() / 1000);
    const jti = randomHex(20);
    const token = signCompact({ ...claims, iat, exp: iat + lifetime, sub, iss: ISSUER, aud: AUDIENCE, jti }, this.keys.signingKey, this.keys.algorithm, this.keys.kid);
    return { token, jti };
  }

  /** Checks signature then `exp, nbf, iss, iat, jti, aud, sub` in ruby-jwt's order. */
  verify(token: string, expectedSub: string): Record<string, unknown> {
    let claims: Record<string, unknown>;
    try {
      // Links mailed before a key rotation keep working while the old key is published.
      claims = verifyWithKeys(token, this.keys.verificationKeys).claims;
    } catch (e) {
      throw fail(e instanceof JwsError ? e.word : 'raised');
    }
    const now = Math.floor(this.now() / 1000);
    if (typeof claims.exp === 'number' && now >= claims.exp) throw fail('expired');
    if (typeof claims.nbf === 'number' && now < claims.nbf) throw fail('reached');
    if (claims.iss !== ISSUER) throw fail(lastWord(claims.iss));
    if (typeof claims.iat === 'number' && claims.iat > now) throw fail('iat');
    if (typeof claims.jti !== 'string' || claims.jti.trim() === '') throw fail('jti');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => AUDIENCE.includes(a as string))) throw fail(lastWord(claims.aud));
    if (claims.sub !== expectedSub) throw fail(lastWord(claims.sub));
    return claims;
  }
}

function lastWord(v: unknown): string {
  if (v === undefined || v === null || v === '') return '<none>';
  const s = Array.isArray(v) ? JSON.stringify(v) : String(v);
  return s.split(/\s+/).pop() || '<none>';
}

function fail(word: string): AppError {
  return new AppError([`jwt.decode_and_verify.${word}`], { status: 422 });
}
