import type { Db } from '../../db/db.js';
import type { UsersAdmin } from '../admin/users-admin.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { PasswordPolicy } from '../../lib/password/policy.js';
import type { Pii } from '../kyc/pii.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { ManagementKyc } from './kyc.js';
import { ManagementLabels } from './labels.js';
import { ManagementServiceAccounts, type AccountWithOwner } from './service-accounts.js';
import type { ServiceAccountService } from '../service-accounts/service-account-service.js';
import { ManagementUsers } from './users.js';

export interface ManagementServices { users: ManagementUsers; labels: ManagementLabels; kyc: ManagementKyc; serviceAccounts: ManagementServiceAccounts }

export interface ManagementOptions {
  db: Db; events: EventLog; hasher: PasswordHasher; labels: LabelService; users: UsersAdmin;
  uidPrefix: string; passwordPolicy: PasswordPolicy; pii: Pii; profiles: ProfileService; now: () => number;
  serviceAccounts: ServiceAccountService;
  serviceAccountPage: (ownerUid: string | undefined, page: number, limit: number) => Promise<{ total: number; items: AccountWithOwner[] }>;
}

/** The management API's services over the shared domain ones (no admin actor, no audit trail of an admin). */
export function buildManagement(o: ManagementOptions): ManagementServices {
  const users = new ManagementUsers({ db: o.db, events: o.events, hasher: o.hasher, users: o.users, uidPrefix: o.uidPrefix, passwordPolicy: o.passwordPolicy, blindIndex: (v) => o.pii.blindIndex(v) });
  return {
    users,
    labels: new ManagementLabels({ db: o.db, events: o.events, labels: o.labels }),
    kyc: new ManagementKyc({ db: o.db, pii: o.pii, profiles: o.profiles, users, now: o.now }),
    serviceAccounts: new ManagementServiceAccounts({ db: o.db, accounts: o.serviceAccounts, page: o.serviceAccountPage }),
  };
}
