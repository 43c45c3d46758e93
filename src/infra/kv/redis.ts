import { Redis } from 'ioredis';
import type { KeyValueStore } from './port.js';

// Every pair in one command: on the API-key path this turns one Redis command per request into
// one per event-loop turn. One SADD per pair; a set's TTL is set when the SADD created it (SCARD is then 1), so a
// busy set is never extended. A member costs a few bytes in a set instead of a key of its
// own with an expiry entry, and nothing expires per member (bench/gateway.mjs API-key case:
// Redis CPU per nonce 4 µs instead of 7, before counting the expiry of every nonce key).
const ADD_TO_SETS_ONCE = `local r = {}
for i, k in ipairs(KEYS) do
  local added = redis.call('SADD', k, ARGV[i + 1])
  if added == 1 and redis.call('SCARD', k) == 1 then redis.call('EXPIRE', k, ARGV[1]) end
  r[i] = added
end
return r`;

// INCR and its TTL, and SADD and its TTL, as one command each. As MULTI/EXEC they were four
// commands written on their own, beside the auto-pipelined ones: a login's rate-limit check and
// session opening took four socket writes, which on loopback cost more than Redis's work.
// As scripts they join the pipeline of their event-loop turn (two writes per login).
const INCR_WITH_TTL = `local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return n`;
const SET_ADD_WITH_TTL = `redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

type WithScripts = Redis & {
  wardenAddToSetsOnce(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  wardenIncrWithTtl(key: string, ttl: number): Promise<number>;
  wardenSetAddWithTtl(key: string, member: string, ttl: number): Promise<number>;
};

function withScripts(redis: Redis): WithScripts {
  // defineCommand sends EVALSHA and falls back to EVAL when Redis does not know the script yet.
  redis.defineCommand('wardenAddToSetsOnce', { lua: ADD_TO_SETS_ONCE });
  redis.defineCommand('wardenIncrWithTtl', { lua: INCR_WITH_TTL, numberOfKeys: 1 });
  redis.defineCommand('wardenSetAddWithTtl', { lua: SET_ADD_WITH_TTL, numberOfKeys: 1 });
  return redis as WithScripts;
}

/** Redis implementation. Every key and channel is prefixed so several deployments (or test runs) can share one Redis. */
export class RedisKeyValueStore implements KeyValueStore {
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, ((m: string) => void)[]>();

  private readonly redis: WithScripts;
  /** The connection for commands that callers batch themselves (addToSetsOnce); see connect(). */
  private readonly batches: WithScripts;

  private constructor(redis: Redis, batches: Redis, private readonly url: string, private readonly prefix: string) {
    this.redis = withScripts(redis);
    this.batches = withScripts(batches);
  }

  static async connect(url: string, prefix: string): Promise<RedisKeyValueStore> {
    // commandTimeout: when Redis stops answering (a network partition, a paused host), a request
    // fails after 5 s with a 500 instead of holding its connection, and the gateway's, until
    // the operating system gives up on the socket.
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, commandTimeout: 5000 };
    const redis = new Redis(url, { ...options, enableAutoPipelining: true });
    // The API-key nonce guard already sends one command per event-loop turn. Through the auto-
    // pipelined connection each such command also built a Pipeline, waited a tick and ran its
    // bookkeeping: about 60 µs of CPU per command beside Redis, 2-3 µs per gateway request.
    const batches = new Redis(url, { ...options, enableAutoPipelining: false });
    try {
      await Promise.all([redis.connect(), batches.connect()]);
    } catch (err) {
      redis.disconnect();
      batches.disconnect();
      throw err;
    }
    return new RedisKeyValueStore(redis, batches, url, prefix);
  }

  private k(key: string) { return this.prefix + key; }

  async get(key: string) { return this.redis.get(this.k(key)); }
  async set(key: string, value: string, ttl?: number) {
    if (ttl && ttl > 0) await this.redis.set(this.k(key), value, 'EX', Math.ceil(ttl));
    else await this.redis.set(this.k(key), value);
  }
  async setIfAbsent(key: string, value: string, ttl: number) {
    return (await this.redis.set(this.k(key), value, 'EX', Math.ceil(ttl), 'NX')) === 'OK';
  }
  async addToSetsOnce(pairs: readonly (readonly [string, string])[], ttl: number) {
    if (pairs.length === 0) return [];
    const added = await this.batches.wardenAddToSetsOnce(pairs.length, ...pairs.map(([k]) => this.k(k)), Math.ceil(ttl), ...pairs.map(([, m]) => m));
    return added.map((n) => n === 1);
  }
  async delete(...keys: string[]) { if (keys.length) await this.redis.del(...keys.map((k) => this.k(k))); }
  async getAndDelete(key: string) { return this.redis.getdel(this.k(key)); }
  async incr(key: string, ttl: number) { return this.redis.wardenIncrWithTtl(this.k(key), Math.ceil(ttl)); }
  async expire(key: string, ttl: number) { await this.redis.expire(this.k(key), Math.ceil(ttl)); }
  async setAdd(key: string, member: string, ttl: number) { await this.redis.wardenSetAddWithTtl(this.k(key), member, Math.ceil(ttl)); }
  async setRemove(key: string, member: string) { await this.redis.srem(this.k(key), member); }
  async setMembers(key: string) { return this.redis.smembers(this.k(key)); }
  async deleteByPrefix(prefix: string) {
    // SCAN walks the keyspace in small steps without blocking Redis; glob characters of the
    // deployment prefix or the argument are escaped so they match literally.
    const pattern = this.k(prefix).replace(/[*?[\]\\]/g, '\\$&') + '*';
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    return n;
  }
  async publish(channel: string, message: string) { await this.redis.publish(this.k(channel), message); }
  async subscribe(channel: string, handler: (m: string) => void) {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.url, { lazyConnect: true });
      await this.subscriber.connect();
      this.subscriber.on('message', (ch: string, msg: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(msg);
      });
    }
    const list = this.handlers.get(this.k(channel)) ?? [];
    list.push(handler);
    this.handlers.set(this.k(channel), list);
    await this.subscriber.subscribe(this.k(channel));
  }
  async ping() { try { return (await this.redis.ping()) === 'PONG'; } catch { return false; } }
  async close() {
    await Promise.allSettled([this.redis.quit(), this.batches.quit(), this.subscriber?.quit()]);
  }
}
