import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { safeEqual } from './timing-safe.js';

/** HMAC algorithms an API key may use (BARONG.md §2.10); the digits name the SHA digest. */
export const API_KEY_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type ApiKeyAlgorithm = (typeof API_KEY_ALGORITHMS)[number];

export function isApiKeyAlgorithm(value: unknown): value is ApiKeyAlgorithm {
  return typeof value === 'string' && (API_KEY_ALGORITHMS as readonly string[]).includes(value);
}

type Digest = 'sha256' | 'sha384' | 'sha512';
const DIGEST: Record<ApiKeyAlgorithm, Digest> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
/** Input block size of each digest, the length HMAC pads its key to (RFC 2104, FIPS 180-4). */
const BLOCK_BYTES: Record<Digest, number> = { sha256: 64, sha384: 128, sha512: 128 };

const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: string) => string | Buffer }).hash;
const digestOf = (d: Digest, data: Buffer): Buffer => (oneShot ? (oneShot(d, data, 'buffer') as Buffer) : createHash(d).update(data).digest());
const hexDigestOf = (d: Digest, data: Buffer): string => (oneShot ? (oneShot(d, data, 'hex') as string) : createHash(d).update(data).digest('hex'));

/**
 * HMAC (RFC 2104) with the key's two padded blocks computed once: H((K⊕opad) ‖ H((K⊕ipad) ‖ m)).
 * Node's createHmac sets the key up again on every call, which was the largest single cost of
 * checking an API-key signature on the gateway path; two one-shot digests over the kept blocks
 * give the same bytes (checked against createHmac in hmac.test.ts) for about half the CPU.
 */
export class PrecomputedHmac {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(private readonly digest: Digest, key: Buffer) {
    const block = BLOCK_BYTES[digest];
    const k = key.length > block ? digestOf(digest, key) : key;
    this.inner = Buffer.alloc(block, 0x36);
    this.outer = Buffer.alloc(block, 0x5c);
    for (let i = 0; i < k.length; i++) {
      this.inner[i] ^= k[i];
      this.outer[i] ^= k[i];
    }
  }

  hex(message: string): string {
    const m = Buffer.from(message, 'utf8');
    const innerHash = digestOf(this.digest, Buffer.concat([this.inner, m], this.inner.length + m.length));
    return hexDigestOf(this.digest, Buffer.concat([this.outer, innerHash], this.outer.length + innerHash.length));
  }
}

/**
 * The API-key request signature of §11.5 for one key: lower-case hex HMAC-SHA<n>(key = secret,
 * message = <nonce header string> + kid). Built once per cached key, used for every request.
 */
export class ApiKeySigner {
  private constructor(private readonly hmac: PrecomputedHmac) {}

  /** null when the key can never verify: an empty secret (signatures would be forgeable) or an unknown algorithm. */
  static for(secret: string, algorithm: string): ApiKeySigner | null {
    if (!secret || !isApiKeyAlgorithm(algorithm)) return null;
    return new ApiKeySigner(new PrecomputedHmac(DIGEST[algorithm], Buffer.from(secret, 'utf8')));
  }

  sign(nonce: string, kid: string): string {
    return this.hmac.hex(nonce + kid);
  }

  /** Constant-time check of a client's signature; exact string match (Barong compares the lower-case hex as is). */
  verify(nonce: string, kid: string, signature: string): boolean {
    return typeof signature === 'string' && safeEqual(this.sign(nonce, kid), signature);
  }
}

export function apiKeySignature(secret: string, nonce: string, kid: string, algorithm: ApiKeyAlgorithm): string {
  const digest = DIGEST[algorithm];
  if (!digest) throw new Error(`unsupported API key algorithm: ${String(algorithm)}`);
  return new PrecomputedHmac(digest, Buffer.from(secret, 'utf8')).hex(nonce + kid);
}

/** One-off form of ApiKeySigner.verify; an empty secret never verifies. */
export function verifyApiKeySignature(
  secret: string, nonce: string, kid: string, algorithm: ApiKeyAlgorithm, signature: string,
): boolean {
  return ApiKeySigner.for(secret, algorithm)?.verify(nonce, kid, signature) ?? false;
}
