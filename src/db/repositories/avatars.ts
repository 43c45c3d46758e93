import type { Queryable } from '../db.js';

/** Where a user's rendered profile images are in the file storage (migrations/0012_nebeus.sql). */
export interface AvatarRecord { userId: number; version: string; smallKey: string; bigKey: string; updatedAt: Date }

interface Row { user_id: number | string; version: string; small_key: string; big_key: string; updated_at: Date }

const toRecord = (r: Row): AvatarRecord => ({ userId: Number(r.user_id), version: r.version, smallKey: r.small_key, bigKey: r.big_key, updatedAt: new Date(r.updated_at) });

export const avatarsRepo = {
  async get(q: Queryable, userId: number): Promise<AvatarRecord | null> {
    const [r] = await q.query<Row>('SELECT * FROM profile_images WHERE user_id = $1', [userId]);
    return r ? toRecord(r) : null;
  },
  /** Replaces the user's record; returns the one it replaced (its objects are to be removed). */
  async upsert(q: Queryable, a: Omit<AvatarRecord, 'updatedAt'>): Promise<AvatarRecord | null> {
    const [before] = await q.query<Row>('SELECT * FROM profile_images WHERE user_id = $1 FOR UPDATE', [a.userId]);
    await q.query(
      `INSERT INTO profile_images (user_id, version, small_key, big_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET version = EXCLUDED.version, small_key = EXCLUDED.small_key, big_key = EXCLUDED.big_key, updated_at = now()`,
      [a.userId, a.version, a.smallKey, a.bigKey],
    );
    return before ? toRecord(before) : null;
  },
  async remove(q: Queryable, userId: number): Promise<AvatarRecord | null> {
    const [r] = await q.query<Row>('DELETE FROM profile_images WHERE user_id = $1 RETURNING *', [userId]);
    return r ? toRecord(r) : null;
  },
};
