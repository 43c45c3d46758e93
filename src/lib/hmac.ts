import { createHmac } from 'node:crypto';
import { safeEqual } from './timing-safe.js';

/** HMAC algorithms an API key may use (BARONG.md §2.10); the digits name the SHA digest. */
export const API_KEY_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type ApiKeyAlgorithm = (typeof API_KEY_ALGORITHMS)[number];

export function isApiKeyAlgorithm(value: unknown): value is ApiKeyAlgorithm {
  return typeof value === 'string' && (API_KEY_ALGORITHMS as readonly string[]).includes(value);
}

const DIGEST: Record<ApiKeyAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * The API-key request signature of §11.5: lower-case hex HMAC-SHA<n>(key = secret,
 * message = <nonce header string> + kid).
 */
export function apiKeySignature(secret: string, nonce: string, kid: string, algorithm: ApiKeyAlgorithm): string {
  const digest = DIGEST[algorithm];
  if (!digest) throw new Error(`unsupported API key algorithm: ${String(algorithm)}`);
  return createHmac(digest, secret).update(nonce + kid).digest('hex');
}

/**
 * Constant-time check of a client's signature. Exact string match (Barong compares the
 * lower-case hex as is); an empty secret never verifies (it would make signatures forgeable).
 */
export function verifyApiKeySignature(
  secret: string, nonce: string, kid: string, algorithm: ApiKeyAlgorithm, signature: string,
): boolean {
  if (!secret || typeof signature !== 'string' || !isApiKeyAlgorithm(algorithm)) return false;
  return safeEqual(apiKeySignature(secret, nonce, kid, algorithm), signature);
}
