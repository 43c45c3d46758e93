import type { Queryable } from '../db.js';

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

/** Everything UserWithFullInfo shows besides the user row, in one round trip. */
export async function userLists(q: Queryable, userId: number, referralId: number | null): Promise<UserLists> {
  const [row] = await q.query<UserLists>(
    `SELECT
       (SELECT uid FROM users WHERE id = $2) AS referral_uid,
       COALESCE((SELECT json_agg(l ORDER BY l.id) FROM (SELECT id, key, value, scope, description, created_at, updated_at FROM labels WHERE user_id = $1) l), '[]') AS labels,
       COALESCE((SELECT json_agg(p ORDER BY p.id) FROM (SELECT id, country, number_encrypted, validated_at FROM phones WHERE user_id = $1) p), '[]') AS phones,
       COALESCE((SELECT json_agg(p ORDER BY p.id) FROM (SELECT * FROM profiles WHERE user_id = $1) p), '[]') AS profiles,
       COALESCE((SELECT json_agg(d ORDER BY d.id) FROM (SELECT id, title, data, created_at, updated_at FROM data_storages WHERE user_id = $1) d), '[]') AS data_storages`,
    [userId, referralId],
  );
  return row;
}
