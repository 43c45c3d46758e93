import type { Queryable } from '../../db/db.js';
import { userLists, type UserLists, type DataStorageRow, type PhoneRow, type ProfileRow } from '../../db/repositories/kyc-lists.js';
import type { Label, User } from '../users/user.js';

/** Everything the `UserWithFullInfo` entity shows (BARONG.md §4). */
export interface UserView {
  user: User;
  referralUid: string | null;
  labels: Label[];
  phones: PhoneRow[];
  profiles: ProfileRow[];
  dataStorages: DataStorageRow[];
}

export async function loadUserView(q: Queryable, user: User): Promise<UserView> {
  return userViewOf(user, await userLists(q, user.id, user.referralId));
}

/** The view of a user whose lists were read already (`userWithListsByEmail`). */
export function userViewOf(user: User, lists: UserLists): UserView {
  return {
    user,
    referralUid: lists.referral_uid,
    labels: lists.labels.map((l) => ({
      id: l.id, userId: user.id, key: l.key, value: l.value, scope: l.scope as Label['scope'], description: l.description,
      createdAt: new Date(l.created_at), updatedAt: new Date(l.updated_at),
    })),
    phones: lists.phones,
    profiles: lists.profiles,
    dataStorages: lists.data_storages,
  };
}
