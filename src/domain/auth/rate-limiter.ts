import type { KeyValueStore } from '../../infra/kv/port.js';
import { sha256Hex } from '../../lib/timing-safe.js';

import { inRanges } from '../../lib/ip.js';

/** `perIp`: the id is a client address, and addresses in the exempt ranges are not counted. */
export interface Rule { count: number; seconds: number; perIp?: boolean }

/**
 * Fixed-window counters in the key-value store (shared by every instance through Redis).
 * Identifiers are hashed so that emails never appear as Redis keys.
 *
 * Per-address rules skip the exempt ranges (RATE_LIMIT_EXEMPT_IPS, loopback by default): a
 * caller on loopback is local tooling, or a proxy that forwards no client address, and one
 * bucket shared by every user behind it would throttle them all together.
 */
export class RateLimiter {
  constructor(private readonly kv: KeyValueStore, private readonly exemptRanges: readonly string[] = []) {}

  private exempt(rule: Rule, id: string) { return rule.perIp === true && inRanges(this.exemptRanges, id); }

  private key(bucket: string, id: string) { return `rate:${bucket}:${sha256Hex(id.toLowerCase()).slice(0, 32)}`; }

  /** Counts one hit; true when the caller is still within the rule. */
  async hit(bucket: string, id: string, rule: Rule): Promise<boolean> {
    if (this.exempt(rule, id)) return true;
    return (await this.kv.incr(this.key(bucket, id), rule.seconds)) <= rule.count;
  }

  /** Counts a hit on one rule and reads another's usage in one round trip. */
  async hitAndPeek(hit: { bucket: string; id: string; rule: Rule }, peek: { bucket: string; id: string; rule: Rule }): Promise<{ withinHit: boolean; peekExhausted: boolean; peekUsed: boolean }> {
    const [count, used] = await Promise.all([
      this.exempt(hit.rule, hit.id) ? 0 : this.kv.incr(this.key(hit.bucket, hit.id), hit.rule.seconds),
      this.kv.get(this.key(peek.bucket, peek.id)),
    ]);
    return { withinHit: count <= hit.rule.count, peekExhausted: used !== null && Number(used) >= peek.rule.count, peekUsed: used !== null };
  }

  /** Whether the rule's count is used up, without counting. */
  async exhausted(bucket: string, id: string, rule: Rule): Promise<boolean> {
    if (this.exempt(rule, id)) return false;
    const used = await this.kv.get(this.key(bucket, id));
    return used !== null && Number(used) >= rule.count;
  }

  async reset(bucket: string, id: string): Promise<void> {
    await this.kv.delete(this.key(bucket, id));
  }
}
