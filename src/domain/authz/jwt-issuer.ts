import { signCompact } from '../../lib/jws.js';
import { randomHex } from '../../lib/random.js';
import type { Keys } from '../../infra/keys/keystore.js';

const ISSUER = 'barong';
const AUDIENCE = ['peatio', 'barong'];
export const DEFAULT_MAX_CACHED_TOKENS = 50_000;

interface Cached { token: string; expMs: number }

/**
 * Issues the gateway JWT of BARONG.md §11.7: the principal's claims (a user: uid, username,
 * email, referral_id, role, level, state; a service account: uid, email, role, level, state)
 * plus iat, exp, sub "session", iss "barong", aud ["peatio","barong"], jti, header kid.
 *
 * Signing costs far more than everything else on the gateway's hot path, so a token is reused
 * for the same principal claims while it still has more than max(10 % of its lifetime, 5 s)
 * left. The claims are the cache key: a changed role, state, level… gets a new token at once.
 * The cache is a Map in issue order (which is also expiry order), capped at `maxEntries`
 * (oldest evicted) and trimmed of stale entries from the front on every insert.
 */
export class JwtIssuer {
  private readonly cache = new Map<string, Cached>();
  private readonly byPrincipal = new WeakMap<object, Cached>();
  private readonly maxEntries: number;
  private readonly marginMs: number;
  private issued = 0;
  private reused = 0;

  constructor(
    private readonly keys: Pick<Keys, 'algorithm' | 'signingKey' | 'kid'>,
    private readonly lifetimeSeconds: number,
    private readonly now: () => number = Date.now,
    opts: { maxEntries?: number } = {},
  ) {
    this.maxEntries = Math.max(0, opts.maxEntries ?? DEFAULT_MAX_CACHED_TOKENS);
    this.marginMs = Math.max(lifetimeSeconds * 100, 5000); // 10 % of the lifetime, in ms
  }

  issue(claims: Record<string, unknown>): string {
    return this.entryFor(claims).token;
  }

  /**
   * issue() remembered on an immutable principal object (a cached user snapshot): the common
   * gateway request then builds no claims object and no cache key. A changed user is a new
   * snapshot object, so it never meets the old token.
   */
  issueFor(principal: object, claims: () => Record<string, unknown>): string {
    const hit = this.byPrincipal.get(principal);
    if (hit && hit.expMs - this.now() > this.marginMs) {
      this.reused += 1;
      return hit.token;
    }
    const entry = this.entryFor(claims());
    if (this.maxEntries > 0) this.byPrincipal.set(principal, entry);
    return entry.token;
  }

  private entryFor(claims: Record<string, unknown>): Cached {
    const nowMs = this.now();
    const key = cacheKey(claims);
    const hit = this.cache.get(key);
    if (hit) {
      if (hit.expMs - nowMs > this.marginMs) {
        this.reused += 1;
        return hit;
      }
      this.cache.delete(key);
    }
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.lifetimeSeconds;
    const token = signCompact(
      { ...claims, iat, exp, sub: 'session', iss: ISSUER, aud: AUDIENCE, jti: randomHex(20) },
      this.keys.signingKey, this.keys.algorithm, this.keys.kid,
    );
    this.issued += 1;
    const entry = { token, expMs: exp * 1000 };
    this.remember(key, entry, nowMs);
    return entry;
  }

  stats(): { issued: number; reused: number; cached: number } {
    return { issued: this.issued, reused: this.reused, cached: this.cache.size };
  }

  private remember(key: string, entry: Cached, nowMs: number): void {
    if (this.maxEntries === 0) return;
    // Entries are in issue order, so the stale ones (no longer reusable) are at the front.
    for (const [k, v] of this.cache) {
      if (v.expMs - nowMs > this.marginMs) break;
      this.cache.delete(k);
    }
    while (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    this.cache.set(key, entry);
  }
}

/** Sorted key lists by object shape: the gateway's claims always have one shape. */
const ORDERS = new Map<string, string[]>();

/**
 * The claims with their keys sorted, so the same principal maps to one entry whatever the key
 * order; undefined values are left out exactly as JSON.stringify leaves them out of the token.
 * (Runs on every gateway request: no per-call sort or intermediate arrays.)
 */
function cacheKey(claims: Record<string, unknown>): string {
  const keys = Object.keys(claims);
  const shape = keys.join('\u0000');
  let order = ORDERS.get(shape);
  if (!order) {
    order = [...keys].sort();
    if (ORDERS.size < 64) ORDERS.set(shape, order);
  }
  let key = '';
  for (const k of order) {
    const v = claims[k];
    if (v !== undefined) key += `${JSON.stringify(k)}:${JSON.stringify(v)},`;
  }
  return key;
}
