import { signCompact } from '../../lib/jws.js';
import { randomHex } from '../../lib/random.js';
import type { Keys } from '../../infra/keys/keystore.js';

const ISSUER = 'barong';
const AUDIENCE = ['peatio', 'barong'];
export const DEFAULT_MAX_CACHED_TOKENS = 50_000;
/** The longest a token is handed out again: BARONG.md §11.7 wants iat = now on every check. */
export const DEFAULT_REUSE_MS = 1000;

interface Cached { token: string; issuedMs: number; iat: number }

/**
 * Issues the gateway JWT of BARONG.md §11.7: the principal's claims (a user: uid, username,
 * email, referral_id, role, level, state; a service account: uid, email, role, level, state)
 * plus iat, exp, sub "session", iss "barong", aud ["peatio","barong"], jti, header kid.
 *
 * Every check should get a fresh token (iat = now, a new jti), but signing costs far more than
 * everything else on the gateway's hot path. So a token is handed out again only for the same
 * principal claims, issued less than `reuseMs` (default 1000) ago and within the same second,
 * so its iat is the one a new token would carry: a burst from one principal costs one signature
 * per second, and no client ever sees an older token. An operator may allow a longer window
 * (GATEWAY_JWT_REUSE_SECONDS) when signing for many active users costs too much CPU. The claims are the cache
 * key: a changed role, state, level… gets a new token at once. The cache is a Map in issue
 * order, capped at `maxEntries` (oldest evicted; 0 = sign every time) and trimmed of stale
 * entries from the front on every insert.
 */
export class JwtIssuer {
  private readonly cache = new Map<string, Cached>();
  private readonly byPrincipal = new WeakMap<object, Cached>();
  private readonly maxEntries: number;
  private readonly reuseMs: number;
  private issued = 0;
  private reused = 0;

  constructor(
    private readonly keys: Pick<Keys, 'algorithm' | 'signingKey' | 'kid'>,
    private readonly lifetimeSeconds: number,
    private readonly now: () => number = Date.now,
    opts: { maxEntries?: number; reuseMs?: number } = {},
  ) {
    this.maxEntries = Math.max(0, opts.maxEntries ?? DEFAULT_MAX_CACHED_TOKENS);
    this.reuseMs = Math.max(0, opts.reuseMs ?? DEFAULT_REUSE_MS);
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
    if (hit && this.fresh(hit, this.now())) {
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
      if (this.fresh(hit, nowMs)) {
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
    const entry = { token, issuedMs: nowMs, iat };
    this.remember(key, entry, nowMs);
    return entry;
  }

  stats(): { issued: number; reused: number; cached: number } {
    return { issued: this.issued, reused: this.reused, cached: this.cache.size };
  }

  /** Reusable: issued less than reuseMs ago (not in the future) and in the current second. */
  private fresh(entry: Cached, nowMs: number): boolean {
    const age = nowMs - entry.issuedMs;
    if (age < 0 || age >= this.reuseMs) return false;
    if (this.reuseMs <= DEFAULT_REUSE_MS) return Math.floor(nowMs / 1000) === entry.iat;
    // A longer window (GATEWAY_JWT_REUSE_SECONDS) trades iat = now for fewer signatures, but
    // never hands out a token with less than 10 % of its lifetime (at least 5 s) left.
    return (entry.iat + this.lifetimeSeconds) * 1000 - nowMs > Math.max(this.lifetimeSeconds * 100, 5000);
  }

  private remember(key: string, entry: Cached, nowMs: number): void {
    if (this.maxEntries === 0) return;
    // Entries are in issue order, so the stale ones (no longer reusable) are at the front.
    for (const [k, v] of this.cache) {
      if (this.fresh(v, nowMs)) break;
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
