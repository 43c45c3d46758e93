import type { Db } from '../../db/db.js';
import type { UsersAdmin } from '../admin/users-admin.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { PasswordPolicy } from '../../lib/password/policy.js';
import { ManagementLabels } from './labels.js';
import { ManagementUsers } from './users.js';

export interface ManagementServices { users: ManagementUsers; labels: ManagementLabels }

export interface ManagementOptions {
  db: Db; events: EventLog; hasher: PasswordHasher; labels: LabelService; users: UsersAdmin;
  uidPrefix: string; passwordPolicy: PasswordPolicy; blindIndex: (v: string) => string | null;
}

/** The management API's services over the shared domain ones (no admin actor, no audit trail of an admin). */
export function buildManagement(o: ManagementOptions): ManagementServices {
  return {
    users: new ManagementUsers({ db: o.db, events: o.events, hasher: o.hasher, users: o.users, uidPrefix: o.uidPrefix, passwordPolicy: o.passwordPolicy, blindIndex: o.blindIndex }),
    labels: new ManagementLabels({ db: o.db, events: o.events, labels: o.labels }),
  };
}
