import type { Queryable } from '../db.js';
import type { User } from '../../domain/users/user.js';

/** A user as admin entities embed it (BARONG.md §4 User): the record and its referrer's uid. */
export interface UserRef { user: User; referralUid: string | null }

interface Row {
  id: number | string; uid: string; username: string | null; email: string; password_digest: string; role: string; data: string | null;
  level: number; otp: boolean; state: string; referral_id: number | string | null; created_at: Date; updated_at: Date; referral_uid: string | null;
}

const toRef = (r: Row): UserRef => ({
  user: {
    id: Number(r.id), uid: r.uid, username: r.username, email: r.email, passwordDigest: r.password_digest, role: r.role, data: r.data,
    level: r.level, otp: r.otp, state: r.state, referralId: r.referral_id === null ? null : Number(r.referral_id),
    createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  },
  referralUid: r.referral_uid,
});

/**
 * A unix-seconds filter bound inside what a timestamp column holds (years 1..9999), so an
 * absurd bound filters like "no bound" instead of failing the statement.
 */
export const unixBound = (s: number): number => Math.min(Math.max(s, -62_135_596_800), 253_402_300_799);

const SELECT = 'SELECT u.*, ref.uid AS referral_uid FROM users u LEFT JOIN users ref ON ref.id = u.referral_id';

/** Loads the users a page of admin rows points at, in one query per kind of key. */
export const adminUserRefsRepo = {
  async byIds(q: Queryable, ids: readonly number[]): Promise<Map<number, UserRef>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await q.query<Row>(`${SELECT} WHERE u.id = ANY($1::bigint[])`, [unique]);
    return new Map(rows.map((r) => [Number(r.id), toRef(r)]));
  },
  async byUids(q: Queryable, uids: readonly string[]): Promise<Map<string, UserRef>> {
    const unique = [...new Set(uids)];
    if (unique.length === 0) return new Map();
    const rows = await q.query<Row>(`${SELECT} WHERE u.uid = ANY($1::text[])`, [unique]);
    return new Map(rows.map((r) => [r.uid, toRef(r)]));
  },
  async byUid(q: Queryable, uid: string): Promise<UserRef | null> {
    return (await adminUserRefsRepo.byUids(q, [uid])).get(uid) ?? null;
  },
};
