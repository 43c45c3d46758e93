import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type JwsAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

function nodeAlg(alg: JwsAlgorithm): string | null {
  return alg === 'EdDSA' ? null : 'sha256';
}

/** Compact JWS of `payload` (RS256, ES256 in JOSE r||s form, or EdDSA). */
export function signCompact(payload: object, key: KeyObject, alg: JwsAlgorithm, kid?: string): string {
  const header = kid ? { alg, kid } : { alg };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = cryptoSign(nodeAlg(alg), Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(sig)}`;
}

/**
 * Compact JWS with HS256 under a secret only this deployment holds, for links Warden alone
 * issues and checks: about 1 µs of CPU against about 300 µs for an RS256 signature, which a
 * new-login mail would otherwise pay for on every login.
 */
export function signHs256(payload: object, secret: Buffer): string {
  const input = `${b64url(JSON.stringify({ alg: 'HS256' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * Why a compact token was refused. The words are the last word of ruby-jwt's messages,
 * which Barong exposes as `jwt.decode_and_verify.<word>` (BARONG.md §12.3).
 */
export class JwsError extends Error {
  constructor(readonly word: string) { super(`jws: ${word}`); }
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Checks structure, algorithm and signature; returns the decoded header and claims. */
export function verifyCompact(token: string, key: KeyObject, alg: JwsAlgorithm): { header: Record<string, unknown>; claims: Record<string, unknown> };
export function verifyCompact(token: string, key: Buffer, alg: 'HS256'): { header: Record<string, unknown>; claims: Record<string, unknown> };
export function verifyCompact(token: string, key: KeyObject | Buffer, alg: JwsAlgorithm | 'HS256'): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsError('segments');
  if (!parts.every((p) => B64URL.test(p))) throw new JwsError('encoding');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new JwsError('encoding');
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object' || Array.isArray(claims)) throw new JwsError('encoding');
  if (header.alg !== alg) throw new JwsError('algorithm');
  let ok = false;
  try {
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = Buffer.from(parts[2], 'base64url');
    if (alg === 'HS256') {
      const expected = createHmac('sha256', key as Buffer).update(input).digest();
      ok = sig.length === expected.length && timingSafeEqual(sig, expected);
    } else {
      ok = cryptoVerify(nodeAlg(alg), input, alg === 'ES256' ? { key: key as KeyObject, dsaEncoding: 'ieee-p1363' } : key as KeyObject, sig);
    }
  } catch {
    ok = false;
  }
  if (!ok) throw new JwsError('raised');
  return { header, claims };
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function publicKeyOf(key: KeyObject): KeyObject {
  return createPublicKey(key);
}

export interface VerifyingKey { kid: string; algorithm: JwsAlgorithm; publicKey: KeyObject }

function peekHeader(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return header && typeof header === 'object' && !Array.isArray(header) ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies against a set of keys (the current one first, then rotated-out ones). The header's
 * `kid` picks the key when it names one we have; otherwise (Barong's tokens carry no kid) each
 * key of the header's algorithm is tried. Failures throw the JwsError of the first candidate.
 */
export function verifyWithKeys(token: string, keys: ReadonlyArray<VerifyingKey>): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const header = peekHeader(token);
  const byKid = header && typeof header.kid === 'string' ? keys.find((k) => k.kid === header.kid) : undefined;
  let candidates = byKid ? [byKid] : keys.filter((k) => header && k.algorithm === header.alg);
  if (candidates.length === 0) candidates = keys.slice(0, 1); // yields the structural or algorithm error
  let first: unknown;
  for (const k of candidates) {
    try {
      return verifyCompact(token, k.publicKey, k.algorithm);
    } catch (err) {
      first ??= err;
    }
  }
  throw first;
}

const HASH_OF: Record<string, string | null> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: null };

/**
 * One JOSE signature over `input` with an asymmetric algorithm (RS/ES 256–512, EdDSA; ES in
 * JOSE r||s form). False for anything else: unknown algorithms never fall through to a default.
 */
export function verifyJoseSignature(alg: string, input: string, signature: Buffer, key: KeyObject): boolean {
  if (!Object.prototype.hasOwnProperty.call(HASH_OF, alg)) return false;
  try {
    return cryptoVerify(HASH_OF[alg], Buffer.from(input), alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
  } catch {
    return false;
  }
}

/** The JOSE signature of `input` (same algorithms as verifyJoseSignature). */
export function joseSign(alg: string, input: string, key: KeyObject): Buffer {
  if (!Object.prototype.hasOwnProperty.call(HASH_OF, alg)) throw new Error(`jws: unsupported algorithm ${alg}`);
  return cryptoSign(HASH_OF[alg], Buffer.from(input), alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key);
}
