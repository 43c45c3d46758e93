import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { restrictionsRepo } from '../../db/repositories/restrictions.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { randomHex } from '../../lib/random.js';
import { POLICY_CHANNEL } from './policy-channel.js';
import { restrictionCode, restrictionErrors } from './restriction-rules.js';

const key = (token: string) => `whitelink:${token}`;

/** This instance's policy cache: reloaded before answering, then every instance is told. */
export interface WhitelinkPolicy {
  reload(): Promise<void>;
  changed(what: 'restrictions'): Promise<void>;
}

interface Logger { warn(obj: object, msg: string): void }

/**
 * Whitelinks (BARONG.md §5.7, §16.1): an admin issues a token; whoever opens it gets their IP
 * whitelisted. Warden fix #8: a token works once. IPv6 callers are whitelisted too (Barong
 * refused them with value.invalid), as the admin API accepts IPv6 restrictions.
 * Without `policy` (an instance that only issues tokens) consume() just announces the change.
 */
export class WhitelinkService {
  constructor(private readonly db: Db, private readonly kv: KeyValueStore, private readonly policy?: { cache: WhitelinkPolicy; log: Logger }) {}

  async issue(ttlSeconds: number): Promise<string> {
    // 64 hex characters, the length of Barong's tokens (SHA-256 hex), from 256 random bits.
    const token = randomHex(64);
    await this.kv.set(key(token), 'active', ttlSeconds);
    return token;
  }

  /**
   * Resolves once the caller's IP is whitelisted on this instance (so the 201 means it is in
   * force here) and announced to the others. An unknown token is refused first, as in Barong;
   * an IP that cannot be whitelisted is refused before the token is spent, so the caller keeps it.
   */
  async consume(token: string, ip: string): Promise<void> {
    const invalid = () => new AppError('identity.user.access.invalid_token');
    if ((await this.kv.get(key(token))) !== 'active') throw invalid();
    const rule = { category: 'whitelist', scope: 'ip', value: ip };
    const errors = restrictionErrors(rule);
    if (errors.length) throw new ModelError(errors);
    // Atomic: of two requests racing with one token, one wins.
    if ((await this.kv.getAndDelete(key(token))) !== 'active') throw invalid();
    try {
      // The scope's default code (ip → 401, §2.11), as for every whitelist.
      await restrictionsRepo.whitelistIp(this.db, ip, restrictionCode(rule));
    } catch (e) {
      if (isUniqueViolation(e)) throw new ModelError(['value.taken']);
      throw e;
    }
    await this.announce();
  }

  private async announce(): Promise<void> {
    if (!this.policy) {
      await this.kv.publish(POLICY_CHANNEL, 'restrictions');
      return;
    }
    await this.policy.cache.reload();
    try {
      await this.policy.cache.changed('restrictions');
    } catch (err) {
      // The whitelist is committed and in force here; the others catch up on their reload timer.
      this.policy.log.warn({ err: (err as Error).message }, 'whitelink not announced; other instances reload on their timer');
    }
  }
}
