import type { Comment } from '../../../db/repositories/comments.js';
import type { AdminUserRow, UserKyc } from '../../../domain/admin/users-admin-view.js';
import type { Label } from '../../../domain/users/user.js';
import { documentEntity } from '../document-entity.js';
import { dataStorageEntity, iso, phoneEntity, profileEntity, userEntity, type Decrypt } from '../entities.js';

/** Admin entities (BARONG.md §4): every personal field unmasked. */

export function adminLabelView(l: Label) {
  return { key: l.key, value: l.value, scope: l.scope, description: l.description, created_at: iso(l.createdAt), updated_at: iso(l.updatedAt) };
}

export function commentEntity(c: Comment) {
  return { id: c.id, author_uid: c.authorUid, title: c.title, data: c.data, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt) };
}

/** [User] rows, or UserWithProfile rows when the list was extended (the row carries profiles). */
export function adminUserRowEntity(r: AdminUserRow, decrypt: Decrypt) {
  const user = userEntity(r.user, r.referralUid);
  if (!r.profiles) return user;
  return { ...user, profiles: r.profiles.map((p) => profileEntity(p, decrypt, false)), created_at: iso(r.user.createdAt), updated_at: iso(r.user.updatedAt) };
}

export function userWithKyc(k: UserKyc, decrypt: Decrypt) {
  const u = k.user;
  return {
    email: u.email, uid: u.uid, role: u.role, level: u.level, otp: u.otp, state: u.state, referral_uid: k.referralUid, data: u.data, username: u.username,
    profiles: k.profiles.map((p) => profileEntity(p, decrypt, false)),
    labels: k.labels.map(adminLabelView),
    phones: k.phones.map((p) => phoneEntity(p, decrypt, false)),
    documents: k.documents.map((d) => documentEntity(d, false)),
    data_storages: k.dataStorages.map(dataStorageEntity),
    comments: k.comments.map(commentEntity),
    created_at: iso(u.createdAt), updated_at: iso(u.updatedAt),
  };
}
