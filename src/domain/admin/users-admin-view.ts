import type { Queryable } from '../../db/db.js';
import { adminUsersRepo } from '../../db/repositories/admin-users.js';
import { commentsRepo, type Comment } from '../../db/repositories/comments.js';
import type { ProfileRecord } from '../../db/repositories/profiles.js';
import { loadUserView, type UserView } from '../identity/user-view.js';
import type { DocumentView } from '../kyc/documents-view.js';
import type { User } from '../users/user.js';

/** Everything UserWithKYC shows (BARONG.md §4): the user view plus documents and comments. */
export interface UserKyc extends UserView {
  documents: DocumentView[];
  comments: Comment[];
}

/** A row of an admin user list: the user, his referrer's uid and, in extended lists, his profiles. */
export interface AdminUserRow {
  user: User;
  referralUid: string | null;
  profiles?: ProfileRecord[];
}

export async function loadUserKyc(q: Queryable, documentsOf: (userId: number) => Promise<DocumentView[]>, user: User): Promise<UserKyc> {
  const [view, documents, comments] = [await loadUserView(q, user), await documentsOf(user.id), await commentsRepo.forUser(q, user.id)];
  return { ...view, documents, comments };
}

/** Referral uids of a page of users in one query. */
export async function referralUids(q: Queryable, users: readonly User[]): Promise<Map<number, string>> {
  const ids = [...new Set(users.map((u) => u.referralId).filter((id): id is number => id !== null))];
  return ids.length ? adminUsersRepo.uidsByIds(q, ids) : new Map();
}
