import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { restrictionsRepo } from '../../db/repositories/restrictions.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { randomHex } from '../../lib/random.js';
import { POLICY_CHANNEL } from './policy-channel.js';
import { restrictionErrors } from './restriction-rules.js';

const key = (token: string) => `whitelink:${token}`;

/**
 * Whitelinks (BARONG.md §5.7, §16.1): an admin issues a token; whoever opens it gets their IP
 * whitelisted. Warden fix #8: a token works once.
 */
export class WhitelinkService {
  constructor(private readonly db: Db, private readonly kv: KeyValueStore) {}

  async issue(ttlSeconds: number): Promise<string> {
    // 64 hex characters, the length of Barong's tokens (SHA-256 hex), from 256 random bits.
    const token = randomHex(64);
    await this.kv.set(key(token), 'active', ttlSeconds);
    return token;
  }

  async consume(token: string, ip: string): Promise<void> {
    if ((await this.kv.getAndDelete(key(token))) !== 'active') throw new AppError('identity.user.access.invalid_token');
    const errors = restrictionErrors({ category: 'whitelist', scope: 'ip', value: ip });
    if (errors.length) throw new ModelError(errors);
    try {
      await restrictionsRepo.whitelistIp(this.db, ip, 471);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ModelError(['value.taken']);
      throw e;
    }
    await this.kv.publish(POLICY_CHANNEL, 'restrictions');
  }
}
