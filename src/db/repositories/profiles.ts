import type { Queryable } from '../db.js';
import type { ProfileRow } from './kyc-lists.js';

/** A profile row with everything admin tooling needs besides what entities render. */
export interface ProfileRecord extends ProfileRow {
  id: number;
  user_id: number;
  author: string | null;
  applicant_id: string | null;
  first_name_index: string | null;
  last_name_index: string | null;
  dob_index: string | null;
}

/** Sealed columns as the domain prepares them (pii.ts); null clears. */
export interface SealedProfileColumns {
  first_name_encrypted?: string | null;
  last_name_encrypted?: string | null;
  dob_encrypted?: string | null;
  address_encrypted?: string | null;
  postcode_encrypted?: string | null;
  city_encrypted?: string | null;
  country?: string | null;
  metadata?: string | null;
  first_name_index?: string | null;
  last_name_index?: string | null;
  dob_index?: string | null;
  state?: number;
  author?: string | null;
  applicant_id?: string | null;
}

const COLUMNS = ['first_name_encrypted', 'last_name_encrypted', 'dob_encrypted', 'address_encrypted', 'postcode_encrypted', 'city_encrypted',
  'country', 'metadata', 'first_name_index', 'last_name_index', 'dob_index', 'state', 'author', 'applicant_id'] as const;

const toRecord = (r: ProfileRecord): ProfileRecord => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), state: Number(r.state) });

/** Open = drafted (0) or submitted (1); the partial unique index keeps at most one per user. */
const OPEN = 'state IN (0, 1)';

export interface ProfileFilter {
  userId?: number;
  /** Blind indexes (pii.blindIndex) of the names to match exactly. */
  firstNameIndex?: string;
  lastNameIndex?: string;
  dobIndex?: string;
  /** Alpha-2 or alpha-3 as stored (upper case). */
  country?: string;
  state?: number;
}

export const profilesRepo = {
  async forUser(q: Queryable, userId: number): Promise<ProfileRecord[]> {
    return (await q.query<ProfileRecord>('SELECT * FROM profiles WHERE user_id = $1 ORDER BY id', [userId])).map(toRecord);
  },
  /** The user's profile in `state`, locked for the rest of the transaction. */
  async lockedInState(q: Queryable, userId: number, state: number): Promise<ProfileRecord | null> {
    const [r] = await q.query<ProfileRecord>('SELECT * FROM profiles WHERE user_id = $1 AND state = $2 ORDER BY id DESC LIMIT 1 FOR UPDATE', [userId, state]);
    return r ? toRecord(r) : null;
  },
  async hasOpen(q: Queryable, userId: number): Promise<boolean> {
    return (await q.query(`SELECT 1 FROM profiles WHERE user_id = $1 AND ${OPEN}`, [userId])).length > 0;
  },
  async byApplicantId(q: Queryable, applicantId: string): Promise<ProfileRecord | null> {
    const [r] = await q.query<ProfileRecord>('SELECT * FROM profiles WHERE applicant_id = $1 ORDER BY id DESC LIMIT 1', [applicantId]);
    return r ? toRecord(r) : null;
  },
  async insert(q: Queryable, userId: number, cols: SealedProfileColumns): Promise<ProfileRecord> {
    const names = COLUMNS.filter((c) => cols[c] !== undefined);
    const values = names.map((c) => cols[c]);
    const [r] = await q.query<ProfileRecord>(
      `INSERT INTO profiles (user_id${names.map((n) => `, ${n}`).join('')}) VALUES ($1${names.map((_, i) => `, $${i + 2}`).join('')}) RETURNING *`,
      [userId, ...values],
    );
    return toRecord(r);
  },
  async update(q: Queryable, id: number, cols: SealedProfileColumns): Promise<ProfileRecord> {
    const names = COLUMNS.filter((c) => cols[c] !== undefined);
    const sets = names.map((n, i) => `${n} = $${i + 2}`);
    const [r] = await q.query<ProfileRecord>(
      `UPDATE profiles SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
      [id, ...names.map((c) => cols[c])],
    );
    return toRecord(r);
  },
  /**
   * Profiles matching every given criterion (names and dob by blind index, country exactly),
   * newest first — for the admin user filters and KYC review lists.
   */
  async search(q: Queryable, f: ProfileFilter, page = 1, limit = 100): Promise<{ total: number; rows: ProfileRecord[] }> {
    const { cond, params } = whereOf(f);
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM profiles ${cond}`, params);
    const rows = await q.query<ProfileRecord>(
      `SELECT * FROM profiles ${cond} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, (page - 1) * limit],
    );
    return { total: n, rows: rows.map(toRecord) };
  },
  /** Ids of users with a profile matching the filter (admin `GET users?country=…&last_name=…`). */
  async userIds(q: Queryable, f: Omit<ProfileFilter, 'userId'>): Promise<number[]> {
    const { cond, params } = whereOf(f);
    return (await q.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM profiles ${cond} ORDER BY user_id`, params)).map((r) => Number(r.user_id));
  },
};

function whereOf(f: ProfileFilter): { cond: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.userId !== undefined) add('user_id = ?', f.userId);
  if (f.firstNameIndex !== undefined) add('first_name_index = ?', f.firstNameIndex);
  if (f.lastNameIndex !== undefined) add('last_name_index = ?', f.lastNameIndex);
  if (f.dobIndex !== undefined) add('dob_index = ?', f.dobIndex);
  if (f.country !== undefined) add('upper(country) = upper(?)', f.country);
  if (f.state !== undefined) add('state = ?', f.state);
  return { cond: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
