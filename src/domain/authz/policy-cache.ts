import type { Db } from '../../db/db.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { restrictionsRepo } from '../../db/repositories/restrictions.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { POLICY_CHANNEL } from '../restrictions/policy-channel.js';
import { indexRestrictions, permissionsByRole, type PathRules, type PermissionRule, type RestrictionIndex } from './decide.js';

export interface Policy {
  readonly restrictions: RestrictionIndex;
  readonly permissions: ReadonlyMap<string, readonly PermissionRule[]>;
  readonly rules: PathRules;
  readonly loadedAt: number;
}

interface Logger { warn(obj: object, msg: string): void }

/**
 * Permissions, enabled restrictions and path rules, held in memory so the gateway's common
 * path never queries the database. Any instance's admin change is announced on the KV
 * pub/sub channel and every instance reloads at once; a periodic full reload is the safety
 * net for a missed message.
 */
export class PolicyCache {
  private policy: Policy;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private again = false;

  constructor(private readonly db: Db, private readonly kv: KeyValueStore, private readonly rules: PathRules, private readonly logger: Logger, private readonly reloadEveryMs = 30_000) {
    this.policy = { restrictions: indexRestrictions([]), permissions: new Map(), rules, loadedAt: 0 };
  }

  get current(): Policy {
    return this.policy;
  }

  async start(): Promise<void> {
    // Subscribe first: a change announced while the first load runs must not be missed.
    await this.kv.subscribe(POLICY_CHANNEL, () => { void this.reload(); });
    await this.reload();
    this.timer = setInterval(() => { void this.reload(); }, this.reloadEveryMs);
    this.timer.unref();
  }

  /** Announces a change made through this instance to all instances (this one included). */
  async changed(what: string): Promise<void> {
    await this.kv.publish(POLICY_CHANNEL, what);
  }

  /** Coalesces concurrent reload requests: one runs, and one more runs after it if asked meanwhile. */
  reload(): Promise<void> {
    if (this.reloading) { this.again = true; return this.reloading; }
    this.reloading = (async () => {
      do {
        this.again = false;
        try {
          const [restrictions, permissions] = await Promise.all([restrictionsRepo.enabledRules(this.db), permissionsRepo.rules(this.db)]);
          this.policy = { restrictions: indexRestrictions(restrictions), permissions: permissionsByRole(permissions), rules: this.rules, loadedAt: Date.now() };
        } catch (err) {
          // Keep serving the last good policy; the next announcement or tick retries.
          this.logger.warn({ err: (err as Error).message }, 'policy reload failed');
        }
      } while (this.again);
    })().finally(() => { this.reloading = null; });
    return this.reloading;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * Barong's default authz rules (§11.8) for Warden's API prefix, plus Barong's own `api/v2/barong`
 * entries: frontends built for Barong call it there, and a gateway may route that prefix to Warden.
 */
export function defaultPathRules(apiPrefix: string): PathRules {
  const p = apiPrefix.replace(/^\/+/, '');
  const unique = (list: string[]) => [...new Set(list)];
  return {
    pass: unique([`${p}/public`, `${p}/identity`, 'api/v2/barong/public', 'api/v2/barong/identity', 'api/v2/peatio/public', 'api/v2/ranger/public', 'api/v2/applogic/public', 'api/v2/arke/public', 'api/v2/finex/public']),
    block: unique([`${p}/management`, 'api/v2/barong/management', 'api/v2/peatio/management']),
  };
}
