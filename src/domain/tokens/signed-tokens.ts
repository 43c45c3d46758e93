import type { KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { JwsError, signCompact, signHs256, verifyCompact, verifyWithKeys, type JwsAlgorithm, type VerifyingKey } from '../../lib/jws.js';
import { randomHex } from '../../lib/random.js';

const ISSUER = 'barong';
const AUDIENCE = ['peatio', 'barong'];

export interface SigningKeys { algorithm: JwsAlgorithm; signingKey: KeyObject; kid: string; verificationKeys: ReadonlyArray<VerifyingKey> }

/**
 * Email-confirmation and password-reset tokens (BARONG.md §12): compact JWS with Barong's
 * claims. Verification failures become 422 `jwt.decode_and_verify.<word>` like ruby-jwt's.
 */
export class SignedTokens {
  /**
   * @param linkSecret HS256 secret for tokens only Warden itself checks (signLocal); derived
   *   from ENCRYPTION_KEY, so every instance of a deployment shares it.
   */
  constructor(private readonly keys: SigningKeys, private readonly lifetimeSeconds: number, private readonly now: () => number = Date.now, private readonly linkSecret?: Buffer) {}

  sign(sub: 'confirmation' | 'reset' | 'session' | 'freeze', claims: Record<string, unknown>, lifetime = this.lifetimeSeconds): { token: string; jti: string } {
    const { payload, jti } = this.claims(sub, claims, lifetime);
    return { token: signCompact(payload, this.keys.signingKey, this.keys.algorithm, this.keys.kid), jti };
  }

  /**
   * Same claims, signed HS256 with the link secret (RS256 without one): for a token no one but
   * Warden verifies, minted often enough that an RS256 signature shows in the profile (the
   * freeze link of every new-login mail).
   */
  signLocal(sub: 'freeze', claims: Record<string, unknown>, lifetime = this.lifetimeSeconds): { token: string; jti: string } {
    if (!this.linkSecret) return this.sign(sub, claims, lifetime);
    const { payload, jti } = this.claims(sub, claims, lifetime);
    return { token: signHs256(payload, this.linkSecret), jti };
  }

  private claims(sub: string, claims: Record<string, unknown>, lifetime: number): { payload: object; jti: string } {
    const iat = Math.floor(this.now() / 1000);
    const jti = randomHex(20);
    return { payload: { ...claims, iat, exp: iat + lifetime, sub, iss: ISSUER, aud: AUDIENCE, jti }, jti };
  }

  /** Checks signature then `exp, nbf, iss, iat, jti, aud, sub` in ruby-jwt's order. */
  verify(token: string, expectedSub: string): Record<string, unknown> {
    let claims: Record<string, unknown>;
    try {
      // Only local links (freeze) are HS256; any other subject takes the key-set way, which
      // refuses an HS256 header with ruby-jwt's word (`algorithm`). Links mailed before a key
      // rotation keep working while the old key is published.
      const local = this.linkSecret && expectedSub === 'freeze' && isHs256(token);
      claims = local ? verifyCompact(token, this.linkSecret!, 'HS256').claims : verifyWithKeys(token, this.keys.verificationKeys).claims;
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

/** The header `{"alg":"HS256"}` as signHs256 writes it (other headers go the key-set way). */
const HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
function isHs256(token: string): boolean {
  return token.startsWith(`${HS256_HEADER}.`);
}

function lastWord(v: unknown): string {
  if (v === undefined || v === null || v === '') return '<none>';
  const s = Array.isArray(v) ? JSON.stringify(v) : String(v);
  return s.split(/\s+/).pop() || '<none>';
}

function fail(word: string): AppError {
  return new AppError([`jwt.decode_and_verify.${word}`], { status: 422 });
}
