import type { Db } from '../../db/db.js';
import { levelsRepo, type Level } from '../../db/repositories/levels.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import { WhitelinkService } from '../restrictions/whitelink-service.js';
import { ActivitiesAdmin } from './activities-admin.js';
import { AdminMetrics } from './metrics.js';
import { AccountsAdmin, type KeyLister } from './policy-admin-accounts.js';
import { PermissionsAdmin, type PolicyAdminDeps } from './policy-admin.js';
import { RestrictionsAdmin } from './policy-admin-restrictions.js';

/** The admin API's policy and reporting side (issue 6, part B). */
export interface AdminConsole {
  permissions: PermissionsAdmin;
  restrictions: RestrictionsAdmin;
  activities: ActivitiesAdmin;
  metrics: AdminMetrics;
  accounts: AccountsAdmin;
  levels(): Promise<Level[]>;
}

export function buildAdminConsole(d: {
  db: Db; kv: KeyValueStore; policy: PolicyAdminDeps['policy']; log: PolicyAdminDeps['log'];
  sessions: { destroyEveryone(): Promise<number> }; apiKeys: KeyLister;
}): AdminConsole {
  const base: PolicyAdminDeps = { db: d.db, policy: d.policy, log: d.log };
  const whitelinks = new WhitelinkService(d.db, d.kv);
  return {
    permissions: new PermissionsAdmin(base),
    restrictions: new RestrictionsAdmin({ ...base, endAllSessions: () => d.sessions.destroyEveryone(), issueWhitelink: (ttl) => whitelinks.issue(ttl) }),
    activities: new ActivitiesAdmin(d.db),
    metrics: new AdminMetrics(d.db),
    accounts: new AccountsAdmin(d.db, d.apiKeys),
    levels: () => levelsRepo.all(d.db),
  };
}
