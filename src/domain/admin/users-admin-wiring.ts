import type { Db, Queryable } from '../../db/db.js';
import type { EventLog } from '../events/event-log.js';
import type { DocumentView } from '../kyc/documents-view.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import type { LabelService } from '../labels/label-service.js';
import type { User } from '../users/user.js';
import { CommentsAdmin } from './comments.js';
import { LabelsAdmin } from './labels-admin.js';
import { ProfilesAdmin, type ProfileReviewSettings } from './profiles-admin.js';
import { UsersAdmin } from './users-admin.js';

/** The admin API's user side: users, their labels, comments and KYC profiles. */
export interface AdminUsers {
  users: UsersAdmin;
  labels: LabelsAdmin;
  comments: CommentsAdmin;
  profiles: ProfilesAdmin;
}

export interface AdminUsersOptions {
  db: Db;
  events: EventLog;
  labels: LabelService;
  profiles: ProfileService;
  otp: { disableByAdmin(user: User): Promise<User> };
  apiKeys: { invalidate(kid: string): void };
  serviceAccountKeys: (ownerId: number, q: Queryable) => Promise<string[]>;
  documentsOf: (userId: number) => Promise<DocumentView[]>;
  dataStorage: { remove(user: User, title: string): Promise<boolean> };
  profileReview: ProfileReviewSettings;
}

export function buildAdminUsers(o: AdminUsersOptions): AdminUsers {
  const users = new UsersAdmin({
    db: o.db, events: o.events, otp: o.otp, apiKeys: o.apiKeys, serviceAccountKeys: o.serviceAccountKeys,
    documentsOf: o.documentsOf, dataStorage: o.dataStorage,
  });
  return {
    users,
    labels: new LabelsAdmin({ db: o.db, events: o.events, labels: o.labels }),
    comments: new CommentsAdmin({ db: o.db, kyc: (u) => users.kyc(u) }),
    profiles: new ProfilesAdmin({ db: o.db, profiles: o.profiles, settings: o.profileReview }),
  };
}
