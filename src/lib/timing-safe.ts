import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';

// crypto.hash (Node >= 20.12) digests in one call without a Hash object, about 3x cheaper;
// these run several times on every gateway request (session key, CSRF, API-key signature).
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: string) => string | Buffer }).hash;

/**
 * Constant-time string equality over the UTF-8 bytes. Unequal lengths return at once: every
 * caller compares against a value of a fixed, public format (hex digests, random tokens), so
 * that only tells callers the length of their own input, and it spares two digests per call
 * on the gateway path.
 */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sha256Hex(value: string): string {
  return oneShot ? (oneShot('sha256', value, 'hex') as string) : createHash('sha256').update(value).digest('hex');
}
