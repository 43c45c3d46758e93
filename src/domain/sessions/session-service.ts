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

/**
 * Server-side sessions in the key-value store. The cookie carries a random 128-bit id; the store
 * key is its SHA-256, so a leaked store dump does not reveal usable cookies. A per-user set
 * indexes the sessions for bulk invalidation (password reset, 2FA enable).
 */
export class SessionService {
  constructor(private readonly kv: KeyValueStore, private readonly idleSeconds: number, private readonly now: () => number = Date.now) {}

  /** Seconds between two write-backs of a sliding expiry (so the idle limit may shrink by this much). */
  private get slideStep() { return Math.min(60, Math.ceil(this.idleSeconds / 10)); }

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
    const raw = await this.kv.get(this.key(sha256Hex(id)));
    if (!raw) return null;
    try { return JSON.parse(raw) as SessionData; } catch { return null; }
  }

  /**
   * §10.3: the same User-Agent exactly, not idle past expireTime, the same /16 (/96) network.
   * A failed check destroys the session; a valid one slides its expiry.
   */
  async check(id: string | undefined, ip: string, userAgent: string): Promise<SessionCheck> {
    const session = await this.read(id);
    if (!session || !session.uid) return { ok: false, reason: 'invalid_session' };
    const valid = session.userAgent === userAgent && this.nowSec() < session.expireTime && sameSessionNetwork(session.userIp, ip);
    if (!valid) {
      await this.destroy(id!, session.uid);
      return { ok: false, reason: 'client_session_mismatch' };
    }
    // Slide the expiry, but write it back at most once per `slideStep` seconds: a busy session
    // then costs one key-value read per request, not a read and a write.
    const now = this.nowSec();
    if (now >= session.expireTime - this.idleSeconds + this.slideStep) {
      session.expireTime = now + this.idleSeconds;
      await this.kv.set(this.key(sha256Hex(id!)), JSON.stringify(session), STORE_TTL);
    }
    return { ok: true, session };
  }

  csrfMatches(session: SessionData, header: string): boolean {
    return safeEqual(session.csrfToken, header);
  }

  async destroy(id: string, uid?: string): Promise<void> {
    const hash = sha256Hex(id);
    await this.kv.delete(this.key(hash));
    if (uid) await this.kv.setRemove(this.index(uid), hash);
  }

  /** Ends every session of the user, except `keepId` when given. */
  async destroyAllFor(uid: string, keepId?: string): Promise<number> {
    const keep = keepId ? sha256Hex(keepId) : null;
    const hashes = (await this.kv.setMembers(this.index(uid))).filter((h) => h !== keep);
    if (hashes.length) await this.kv.delete(...hashes.map((h) => this.key(h)));
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
    await this.kv.deleteByPrefix('user-sessions:');
    return n;
  }
}
