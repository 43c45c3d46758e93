import type { KeyValueStore } from '../../infra/kv/port.js';
import { randomHex } from '../../lib/random.js';
import { safeEqual, sha256Hex } from '../../lib/timing-safe.js';
import { sameSessionNetwork } from '../../lib/ip.js';

/** What a cookie session holds (BARONG.md §10.1). */
export interface SessionData {
  uid: string;
  userIp: string;
  userAgent: string;
  /** unix seconds; slides on every valid use */
  expireTime: number;
  csrfToken: string;
}

export type SessionCheck =
  | { ok: true; session: SessionData }
  | { ok: false; reason: 'invalid_session' | 'client_session_mismatch' };

/** Store lifetime of a session record (the cookie lives as long); idleness is `expireTime`. */
const STORE_TTL = 24 * 3600;

/** Where every instance hears that sessions ended: comma-separated store hashes, or `*` for all. */
export const SESSION_CHANNEL = 'sessions-ended';

/**
 * Records read from a remote store kept in process for at most `maxAgeMs` (0 = off), so a busy
 * session costs no store round trip on most requests (the gateway check, bench/gateway.mjs).
 */
export interface SessionCacheOptions { maxAgeMs: number; maxEntries: number }

/**
 * Server-side sessions in the key-value store. The cookie carries a random 128-bit id; the store
 * key is its SHA-256, so a leaked store dump does not reveal usable cookies. A per-user set
 * indexes the sessions for bulk invalidation (password reset, 2FA enable).
 */
export class SessionService {
  private readonly cache = new Map<string, { session: SessionData; at: number }>();
  /**
   * SHA-256 of recent cookie values: the gateway check reads the session of every request
   * and the digest was a few percent of its CPU. Bounded like the cache (emptied when full);
   * it holds nothing the process does not see in every request's cookie anyway.
   */
  private readonly digests = new Map<string, string>();
  /**
   * Bumped by every invalidation heard or made. A store read that started before a bump may
   * carry a session ended meanwhile, so its result is used once but not cached.
   */
  private epoch = 0;

  constructor(
    private readonly kv: KeyValueStore, private readonly idleSeconds: number, private readonly now: () => number = Date.now,
    private readonly cacheOptions: SessionCacheOptions = { maxAgeMs: 0, maxEntries: 0 },
  ) {}

  /**
   * Listens for sessions ended on other instances. Their records are gone from the store
   * already; this drops the in-process copies, within the store's pub/sub delay. Should a
   * message be lost, a copy lives `maxAgeMs` at most.
   */
  async start(): Promise<void> {
    if (this.cacheOptions.maxAgeMs <= 0) return;
    await this.kv.subscribe(SESSION_CHANNEL, (message) => this.forget(message === '*' ? '*' : message.split(',')));
  }

  private forget(hashes: '*' | string[]): void {
    this.epoch++;
    if (hashes === '*') this.cache.clear();
    else for (const h of hashes) this.cache.delete(h);
  }

  /** Ends records in the store, then tells every instance (this one at once, before returning). */
  private async ended(hashes: '*' | string[]): Promise<void> {
    this.forget(hashes);
    if (this.cacheOptions.maxAgeMs > 0) await this.kv.publish(SESSION_CHANNEL, hashes === '*' ? '*' : hashes.join(','));
  }

  /** Seconds between two write-backs of a sliding expiry (so the idle limit may shrink by this much). */
  private get slideStep() { return Math.min(60, Math.ceil(this.idleSeconds / 10)); }

  private digestOf(id: string): string {
    let digest = this.digests.get(id);
    if (digest === undefined) {
      digest = sha256Hex(id);
      if (this.digests.size >= Math.max(1000, this.cacheOptions.maxEntries)) this.digests.clear();
      this.digests.set(id, digest);
    }
    return digest;
  }

  private key(hash: string) { return `session:${hash}`; }
  private index(uid: string) { return `user-sessions:${uid}`; }
  private nowSec() { return Math.floor(this.now() / 1000); }

  /** Opens a fresh session (a new id every login: no fixation) and returns the cookie value. */
  async open(uid: string, ip: string, userAgent: string): Promise<{ id: string; session: SessionData }> {
    const id = randomHex(32);
    const hash = sha256Hex(id);
    const session: SessionData = { uid, userIp: ip, userAgent, expireTime: this.nowSec() + this.idleSeconds, csrfToken: randomHex(20) };
    await Promise.all([this.kv.set(this.key(hash), JSON.stringify(session), STORE_TTL), this.kv.setAdd(this.index(uid), hash, STORE_TTL)]);
    return { id, session };
  }

  async read(id: string | undefined): Promise<SessionData | null> {
    if (!id || !/^[0-9a-f]{32}$/.test(id)) return null;
    return this.readHash(this.digestOf(id), true);
  }

  private async readHash(hash: string, cached: boolean): Promise<SessionData | null> {
    const { maxAgeMs, maxEntries } = this.cacheOptions;
    if (cached && maxAgeMs > 0) {
      const hit = this.cache.get(hash);
      if (hit && this.now() - hit.at < maxAgeMs) return hit.session;
    }
    const epoch = this.epoch;
    const at = this.now();
    const raw = await this.kv.get(this.key(hash));
    let session: SessionData | null = null;
    if (raw) {
      try { session = JSON.parse(raw) as SessionData; } catch { /* not ours: no session */ }
    }
    if (maxAgeMs > 0) {
      if (session && epoch === this.epoch) {
        if (this.cache.size >= maxEntries && !this.cache.has(hash)) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(hash, { session, at });
      } else {
        this.cache.delete(hash);
      }
    }
    return session;
  }

  /**
   * §10.3: the same User-Agent exactly, not idle past expireTime, the same /16 (/96) network.
   * A failed check destroys the session; a valid one slides its expiry.
   */
  async check(id: string | undefined, ip: string, userAgent: string): Promise<SessionCheck> {
    let session = await this.read(id);
    if (!session || !session.uid) return { ok: false, reason: 'invalid_session' };
    const valid = (s: SessionData) => s.userAgent === userAgent && this.nowSec() < s.expireTime && sameSessionNetwork(s.userIp, ip);
    // A cached copy may miss a slide another instance wrote back: judge expiry on the store's record.
    if (!valid(session) && this.cacheOptions.maxAgeMs > 0) {
      session = await this.readHash(this.digestOf(id!), false);
      if (!session || !session.uid) return { ok: false, reason: 'invalid_session' };
    }
    if (!valid(session)) {
      await this.destroy(id!, session.uid);
      return { ok: false, reason: 'client_session_mismatch' };
    }
    // Slide the expiry, but write it back at most once per `slideStep` seconds: a busy session
    // then costs one key-value read per request, not a read and a write.
    const now = this.nowSec();
    if (now >= session.expireTime - this.idleSeconds + this.slideStep) {
      session.expireTime = now + this.idleSeconds;
      await this.kv.set(this.key(this.digestOf(id!)), JSON.stringify(session), STORE_TTL);
    }
    return { ok: true, session };
  }

  csrfMatches(session: SessionData, header: string): boolean {
    return safeEqual(session.csrfToken, header);
  }

  async destroy(id: string, uid?: string): Promise<void> {
    const hash = sha256Hex(id);
    await this.kv.delete(this.key(hash));
    await this.ended([hash]);
    if (uid) await this.kv.setRemove(this.index(uid), hash);
  }

  /** Ends every session of the user, except `keepId` when given. */
  async destroyAllFor(uid: string, keepId?: string): Promise<number> {
    const keep = keepId ? sha256Hex(keepId) : null;
    const hashes = (await this.kv.setMembers(this.index(uid))).filter((h) => h !== keep);
    if (hashes.length) {
      await this.kv.delete(...hashes.map((h) => this.key(h)));
      await this.ended(hashes);
    }
    for (const h of hashes) await this.kv.setRemove(this.index(uid), h);
    return hashes.length;
  }

  /**
   * Ends every session of every user (enabling a blocklogin restriction, BARONG.md §2.11,
   * §10.4): the session records first, so none survives even if the index sweep fails. Returns
   * how many sessions ended.
   */
  async destroyEveryone(): Promise<number> {
    const n = await this.kv.deleteByPrefix('session:');
    await this.ended('*');
    await this.kv.deleteByPrefix('user-sessions:');
    return n;
  }
}
