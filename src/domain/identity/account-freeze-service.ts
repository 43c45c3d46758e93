import { AppError } from '../../errors/app-error.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userEventForm } from '../events/event-log.js';
import type { IdentityDeps } from './deps.js';

/** What freezing needs from the API-key side: turn the user's active keys off (and drop them from caches). */
export interface ApiKeyDeactivator {
  deactivateForHolder(type: 'User', id: number): Promise<string[]>;
}

/** The keys of the service accounts a user owns go off with his own (they act for him). */
export interface OwnedKeysDeactivator {
  turnOffKeysOfOwner(ownerId: number): Promise<string[]>;
}

export interface FreezeSettings {
  /** The page the link opens (FREEZE_URL); the token is appended as `?token=`. */
  url: string;
  /** Seconds a freeze link stays valid (FREEZE_LINK_LIFETIME). */
  lifetimeSeconds: number;
}

/** The `lock` label value a freeze sets (any `lock` label turns the user `locked`, BARONG.md §3.1). */
export const FROZEN_LABEL_VALUE = 'frozen_by_user';

/**
 * "It was not me": the new-login mail carries a signed, single-use link; following it ends every
 * session, turns the user's API keys off and adds a private `lock` label (the account becomes
 * `locked`, so no login and no resource call passes). Support lifts the lock after checking who
 * the owner is; the `system.user.account.frozen` mail tells the user so.
 */
export class AccountFreezeService {
  constructor(private readonly d: IdentityDeps, private readonly apiKeys: ApiKeyDeactivator, private readonly settings: FreezeSettings, private readonly ownedKeys?: OwnedKeysDeactivator) {}

  /** A fresh link for a new-login mail. */
  link(uid: string): string {
    const { token } = this.d.tokens.signLocal('freeze', { uid }, this.settings.lifetimeSeconds);
    const sep = this.settings.url.includes('?') ? '&' : '?';
    return `${this.settings.url}${sep}token=${encodeURIComponent(token)}`;
  }

  /** Checks a token without using it (the confirmation page); throws like freeze() would. */
  check(token: string): void {
    this.d.tokens.verify(token, 'freeze');
  }

  async freeze(token: string, ctx: RequestContext): Promise<void> {
    const { db, kv } = this.d;
    const claims = this.d.tokens.verify(token, 'freeze'); // 422 jwt.decode_and_verify.<word>
    const uid = typeof claims.uid === 'string' ? claims.uid : '';
    const user = uid ? await usersRepo.byUid(db, uid) : null;
    if (!user) throw new AppError('identity.user.utilized_token');
    // Single use, also under concurrency: only the caller that sets the marker goes on.
    const used = `used-jti:${claims.jti as string}`;
    if (!(await kv.setIfAbsent(used, '1', this.settings.lifetimeSeconds))) throw new AppError('identity.user.utilized_token');
    try {
      await db.tx(async (q) => {
        const locked = (await usersRepo.lockById(q, user.id)) ?? user;
        const updated = await this.d.labels.setPrivate(q, locked, 'lock', FROZEN_LABEL_VALUE);
        await this.d.activities.record(q, ctx, { userId: user.id, topic: 'account', action: 'freeze', result: 'succeed' });
        const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
        await this.d.events.emit(q, 'system.user.account.frozen', { user: userEventForm(updated, refUid), domain: this.d.settings.domain });
      });
    } catch (err) {
      await kv.delete(used).catch(() => undefined); // nothing changed: the link may be tried again
      throw err;
    }
    this.d.events.committed();
    // After the commit: the lock label already refuses the user everywhere, these end what is open.
    await this.d.sessions.destroyAllFor(user.uid);
    await this.apiKeys.deactivateForHolder('User', user.id);
    if (this.ownedKeys) await this.ownedKeys.turnOffKeysOfOwner(user.id);
  }
}
