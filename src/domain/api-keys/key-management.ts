import type { Db } from '../../db/db.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { isCidr } from '../../lib/ip.js';
import type { ActivityLog, RequestContext } from '../activities/activity-log.js';
import type { SecondFactor } from '../identity/deps.js';
import type { User } from '../users/user.js';
import type { ApiKeyColumn, ApiKeyPatch, ApiKeyRecord, ApiKeyService, CreatedApiKey, KeyHolder } from './api-key-service.js';
import { requireTotp, type TotpFamily } from './totp-guard.js';

export interface NewKeyInput { algorithm: string; scope?: string[]; allowedIps?: string[] | null; expiresAt?: Date | null }
export interface PageOptions { orderBy: ApiKeyColumn; ordering: 'asc' | 'desc'; page: number; limit: number }

const MAX_ALLOWED_IPS = 32;

/**
 * A user managing API keys, his own or his service accounts' (BARONG.md §7.9, §7.10): every
 * change needs his TOTP code, and leaves an activity (topic `api_keys`) either way.
 */
export class KeyManagement {
  constructor(private readonly d: {
    db: Db; apiKeys: ApiKeyService; secondFactor: SecondFactor; activities: ActivityLog; now: () => number;
    /** True while the owner may not create keys (a recent 2FA reset: domain/two-factor/api-key-hold.ts). */
    onHold?: (owner: User) => Promise<boolean>;
  }) {}

  page(holder: KeyHolder, o: PageOptions): Promise<{ rows: ApiKeyRecord[]; total: number }> {
    return this.d.apiKeys.page(holder, o);
  }

  async create(owner: User, holder: KeyHolder, input: NewKeyInput, totp: string, family: TotpFamily, ctx: RequestContext): Promise<CreatedApiKey> {
    this.checkLimits(input);
    await this.guard(owner, totp, family, ctx, 'create api key');
    if (this.d.onHold && (await this.d.onHold(owner))) {
      await this.log(owner, ctx, 'create api key', 'failed', 'API-key creation is on hold after a 2FA reset');
      throw new AppError('resource.api_key.on_hold');
    }
    const key = await this.d.apiKeys.create(holder, input);
    await this.log(owner, ctx, 'create api key', 'succeed');
    return key;
  }

  /** Null when the holder has no key with this kid (the route answers 404). */
  async update(owner: User, holder: KeyHolder, kid: string, patch: ApiKeyPatch, totp: string, family: TotpFamily, ctx: RequestContext): Promise<ApiKeyRecord | null> {
    this.checkLimits(patch);
    await this.guard(owner, totp, family, ctx, 'update api key');
    const updated = await this.d.apiKeys.update(holder, kid, patch);
    if (updated) await this.log(owner, ctx, 'update api key', 'succeed');
    return updated;
  }

  /** False when the holder has no key with this kid. */
  async remove(owner: User, holder: KeyHolder, kid: string, totp: string, family: TotpFamily, ctx: RequestContext): Promise<boolean> {
    await this.guard(owner, totp, family, ctx, 'delete api key');
    if (!(await this.d.apiKeys.ofHolder(holder, kid))) return false;
    await this.d.apiKeys.delete(kid);
    await this.log(owner, ctx, 'delete api key', 'succeed');
    return true;
  }

  /** Beyond Barong: network allow-list and expiry; both are optional and validated here. */
  private checkLimits(input: { allowedIps?: string[] | null; expiresAt?: Date | null }): void {
    const errors: string[] = [];
    if (input.allowedIps && (input.allowedIps.length === 0 || input.allowedIps.length > MAX_ALLOWED_IPS || !input.allowedIps.every(isCidr))) {
      errors.push('allowed_ips.invalid');
    }
    if (input.expiresAt && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= this.d.now())) errors.push('expires_at.invalid');
    if (errors.length) throw new ModelError(errors);
  }

  private async guard(owner: User, totp: string, family: TotpFamily, ctx: RequestContext, action: string): Promise<void> {
    try {
      await requireTotp(this.d.secondFactor, owner, totp, family);
    } catch (err) {
      await this.log(owner, ctx, action, 'failed', (err as Error).message);
      throw err;
    }
  }

  private log(owner: User, ctx: RequestContext, action: string, result: 'succeed' | 'failed', reason?: string): Promise<void> {
    return this.d.activities.record(this.d.db, ctx, { userId: owner.id, topic: 'api_keys', action, result, reason });
  }
}
