import type { KeyValueStore } from '../../infra/kv/port.js';
import { sha256Hex } from '../../lib/timing-safe.js';

export interface Rule { count: number; seconds: number }

/**
 * Fixed-window counters in the key-value store (shared by every instance through Redis).
 * Identifiers are hashed so that emails never appear as Redis keys.
 */
export class RateLimiter {
  constructor(private readonly kv: KeyValueStore) {}

  private key(bucket: string, id: string) { return `rate:${bucket}:${sha256Hex(id.toLowerCase()).slice(0, 32)}`; }

  /** Counts one hit; true when the caller is still within the rule. */
  async hit(bucket: string, id: string, rule: Rule): Promise<boolean> {
    return (await this.kv.incr(this.key(bucket, id), rule.seconds)) <= rule.count;
  }

  /** Counts a hit on one rule and reads another's usage in one round trip. */
  async hitAndPeek(hit: { bucket: string; id: string; rule: Rule }, peek: { bucket: string; id: string; rule: Rule }): Promise<{ withinHit: boolean; peekExhausted: boolean; peekUsed: boolean }> {
    const [count, used] = await Promise.all([
      this.kv.incr(this.key(hit.bucket, hit.id), hit.rule.seconds),
      this.kv.get(this.key(peek.bucket, peek.id)),
    ]);
    return { withinHit: count <= hit.rule.count, peekExhausted: used !== null && Number(used) >= peek.rule.count, peekUsed: used !== null };
  }

  async reset(bucket: string, id: string): Promise<void> {
    await this.kv.delete(this.key(bucket, id));
  }
}
