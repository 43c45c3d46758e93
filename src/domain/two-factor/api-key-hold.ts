import type { Db, Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import type { LabelService } from '../labels/label-service.js';
import type { User } from '../users/user.js';

/** Private label set by a 2FA reset; its value is the unix time (seconds) the hold ends. */
export const API_KEY_HOLD_LABEL = 'api_key_hold';

/**
 * After a 2FA reset nobody may create API keys for a while (TFA_RESET_HOLD_SECONDS, 24 h by
 * default), even once a new authenticator is enrolled: if the reset was an attacker's, the
 * owner has that long to notice the mail and react before keys can be minted.
 */
export class ApiKeyHold {
  constructor(private readonly d: { db: Db; labels: LabelService; seconds: number; now: () => number }) {}

  place(q: Queryable, user: User): Promise<User> {
    const until = Math.floor(this.d.now() / 1000) + this.d.seconds;
    return this.d.labels.setPrivate(q, user, API_KEY_HOLD_LABEL, String(until));
  }

  async active(user: Pick<User, 'id'>): Promise<boolean> {
    const label = await labelsRepo.find(this.d.db, user.id, API_KEY_HOLD_LABEL, 'private');
    return !!label && Number(label.value) * 1000 > this.d.now();
  }
}
