import { EventEmitter } from 'node:events';
import type { KeyValueStore } from './port.js';

interface Entry { value: string | Set<string>; expiresAt: number }

/** In-process twin of the Redis store: single instance only. `now` is injectable for tests. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, Entry>();
  private readonly bus = new EventEmitter();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.bus.setMaxListeners(0);
    // Expired entries are dropped lazily on read; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt <= this.now()) { this.map.delete(key); return undefined; }
    return e;
  }

  private expiry(ttl?: number): number {
    return ttl && ttl > 0 ? this.now() + ttl * 1000 : Number.POSITIVE_INFINITY;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.map) if (e.expiresAt <= t) this.map.delete(k);
  }

  async get(key: string) { const e = this.live(key); return typeof e?.value === 'string' ? e.value : null; }
  async set(key: string, value: string, ttl?: number) { this.map.set(key, { value, expiresAt: this.expiry(ttl) }); }
  async setIfAbsent(key: string, value: string, ttl: number) {
    if (this.live(key)) return false;
    this.map.set(key, { value, expiresAt: this.expiry(ttl) });
    return true;
  }
  async addToSetsOnce(pairs: readonly (readonly [string, string])[], ttl: number) {
    return pairs.map(([key, member]) => {
      const e = this.live(key);
      if (e && e.value instanceof Set) {
        if (e.value.has(member)) return false;
        e.value.add(member);
        return true;
      }
      this.map.set(key, { value: new Set([member]), expiresAt: this.expiry(ttl) });
      return true;
    });
  }
  async delete(...keys: string[]) { for (const k of keys) this.map.delete(k); }
  async getAndDelete(key: string) { const v = await this.get(key); this.map.delete(key); return v; }
  async incr(key: string, ttl: number) {
    const e = this.live(key);
    const n = (e && typeof e.value === 'string' ? Number(e.value) : 0) + 1;
    this.map.set(key, { value: String(n), expiresAt: e ? e.expiresAt : this.expiry(ttl) });
    return n;
  }
  async expire(key: string, ttl: number) { const e = this.live(key); if (e) e.expiresAt = this.expiry(ttl); }
  async setAdd(key: string, member: string, ttl: number) {
    const e = this.live(key);
    const set = e && e.value instanceof Set ? e.value : new Set<string>();
    set.add(member);
    this.map.set(key, { value: set, expiresAt: this.expiry(ttl) });
  }
  async setRemove(key: string, member: string) { const e = this.live(key); if (e && e.value instanceof Set) e.value.delete(member); }
  async setMembers(key: string) { const e = this.live(key); return e && e.value instanceof Set ? [...e.value] : []; }
  async deleteByPrefix(prefix: string) {
    let n = 0;
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix) && this.live(k)) { this.map.delete(k); n++; }
    return n;
  }
  async publish(channel: string, message: string) { queueMicrotask(() => this.bus.emit(channel, message)); }
  async subscribe(channel: string, handler: (m: string) => void) { this.bus.on(channel, handler); }
  async ping() { return true; }
  async close() { clearInterval(this.sweeper); this.bus.removeAllListeners(); this.map.clear(); }
}
