import type { Db } from '../../db/db.js';
import type { UsersAdmin } from '../admin/users-admin.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { PasswordPolicy } from '../../lib/password/policy.js';
import type { Pii } from '../kyc/pii.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { ManagementKyc } from './kyc.js';
import type { KeyObject } from 'node:crypto';
import type { ApiKeyService } from '../api-keys/api-key-service.js';
import type { SecondFactor } from '../identity/deps.js';
import { ManagementApiKeys, type ManagementApiKeySettings } from './api-keys.js';
import { ManagementOtpSign } from './otp-sign.js';
import { ManagementDocuments } from './documents.js';
import type { DocumentService } from '../kyc/documents-service.js';
import { ManagementLabels } from './labels.js';
import { ManagementServiceAccounts, type AccountWithOwner } from './service-accounts.js';
import type { ServiceAccountService } from '../service-accounts/service-account-service.js';
import { ManagementUsers } from './users.js';

export interface ManagementServices { users: ManagementUsers; labels: ManagementLabels; kyc: ManagementKyc; serviceAccounts: ManagementServiceAccounts;
  apiKeys: ManagementApiKeys; otp: ManagementOtpSign; documents: ManagementDocuments;
}

export interface ManagementOptions {
  db: Db; events: EventLog; hasher: PasswordHasher; labels: LabelService; users: UsersAdmin;
  uidPrefix: string; passwordPolicy: PasswordPolicy; pii: Pii; profiles: ProfileService; now: () => number;
  serviceAccounts: ServiceAccountService;
  apiKeys: ApiKeyService; apiKeySettings: ManagementApiKeySettings;
  secondFactor: SecondFactor; signingKey: KeyObject; signingAlgorithm: string; documents: DocumentService;
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
    apiKeys: new ManagementApiKeys({ db: o.db, apiKeys: o.apiKeys, settings: o.apiKeySettings }),
    documents: new ManagementDocuments({ db: o.db, documents: o.documents }),
    otp: new ManagementOtpSign({ db: o.db, secondFactor: o.secondFactor, signingKey: o.signingKey, algorithm: o.signingAlgorithm }),
  };
}
