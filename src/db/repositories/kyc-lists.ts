import type { Queryable } from '../db.js';
import type { User } from '../../domain/users/user.js';
import { toUser, type UserRow } from './users.js';

/** Rows needed to render a user with full info (profiles, phones, data storages). */
export interface ProfileRow {
  first_name_encrypted: string | null; last_name_encrypted: string | null; dob_encrypted: string | null; address_encrypted: string | null;
  postcode_encrypted: string | null; city_encrypted: string | null; country: string | null; state: number; metadata: string | null; created_at: Date; updated_at: Date;
}
export interface PhoneRow { country: string; number_encrypted: string; validated_at: Date | null }
export interface DataStorageRow { title: string; data: string; created_at: Date; updated_at: Date }
export interface LabelJson { id: number; key: string; value: string; scope: string; description: string | null; created_at: string; updated_at: string }

export interface UserLists {
  referral_uid: string | null;
  labels: LabelJson[];
  phones: PhoneRow[];
  profiles: ProfileRow[];
  data_storages: DataStorageRow[];
}

/**
 * The select-list of the UserLists columns for the user whose id and referral id are the SQL
 * expressions `userId` and `referralId` (parameters, or columns of an outer `users` row).
 */
function listColumns(userId: string, referralId: string): string {
  return `(SELECT uid FROM users WHERE id = ${referralId}) AS referral_uid,
       COALESCE((SELECT json_agg(l ORDER BY l.id) FROM (SELECT id, key, value, scope, description, created_at, updated_at FROM labels WHERE user_id = ${userId}) l), '[]') AS labels,
       COALESCE((SELECT json_agg(p ORDER BY p.id) FROM (SELECT id, country, number_encrypted, validated_at FROM phones WHERE user_id = ${userId}) p), '[]') AS phones,
       COALESCE((SELECT json_agg(p ORDER BY p.id) FROM (SELECT * FROM profiles WHERE user_id = ${userId}) p), '[]') AS profiles,
       COALESCE((SELECT json_agg(d ORDER BY d.id) FROM (SELECT id, title, data, created_at, updated_at FROM data_storages WHERE user_id = ${userId}) d), '[]') AS data_storages`;
}

/** Everything UserWithFullInfo shows besides the user row, in one round trip. */
export async function userLists(q: Queryable, userId: number, referralId: number | null): Promise<UserLists> {
  const [row] = await q.query<UserLists>(`SELECT ${listColumns('$1', '$2')}`, [userId, referralId]);
  return row;
}

/**
 * The user with this email and his lists, in one round trip: a login reads the user and, once
 * the password matched, answers with the full view, so it fetches both at once (a failed login
 * reads a few index pages it did not need, a successful one saves a round trip). `emailCodes`:
 * the user chose mailed codes as second factor (account_details.tfa_type).
 */
export async function userWithListsByEmail(q: Queryable, email: string): Promise<{ user: User; lists: UserLists; emailCodes: boolean } | null> {
  // The chosen second factor (account_details.tfa_type) comes along too: every login needs it.
  const [row] = await q.query<UserRow & UserLists & { tfa_type: string | null }>(
    `SELECT u.*, ${listColumns('u.id', 'u.referral_id')},
       (SELECT tfa_type FROM account_details WHERE user_id = u.id) AS tfa_type
     FROM users u WHERE lower(u.email) = lower($1)`, [email.trim()]);
  if (!row) return null;
  const { referral_uid, labels, phones, profiles, data_storages } = row;
  return { user: toUser(row), lists: { referral_uid, labels, phones, profiles, data_storages }, emailCodes: row.tfa_type === 'email' };
}
