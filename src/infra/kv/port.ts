/**
 * The small key-value port behind sessions, one-time tokens, reset tokens, rate limits and
 * cache invalidation. TTLs are in seconds. Redis in production; an in-process twin otherwise.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets only when absent; true when this call set it (one-time token use, nonce replay). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Adds member i to set i for every pair, in one round trip, in order: result i is true when
   * the member was not in its set yet (a pair repeated in the list is added by its first
   * occurrence only). A set that this call creates expires ttlSeconds later; adding to an
   * existing set does not extend it (nonce replay: one set per key and second of nonces).
   */
  addToSetsOnce(pairs: readonly (readonly [set: string, member: string])[], ttlSeconds: number): Promise<boolean[]>;
  delete(...keys: string[]): Promise<void>;
  getAndDelete(key: string): Promise<string | null>;
  /** Increments and returns the counter; the TTL is set when the counter is created. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  expire(key: string, ttlSeconds: number): Promise<void>;
  setAdd(key: string, member: string, ttlSeconds: number): Promise<void>;
  setRemove(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  /**
   * Deletes every key that starts with `prefix` and returns how many went (bulk invalidation,
   * e.g. all sessions). Walks the keyspace incrementally (Redis SCAN): rare admin actions only.
   */
  deleteByPrefix(prefix: string): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
