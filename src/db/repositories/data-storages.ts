import type { Queryable } from '../db.js';
import type { DataStorageRow } from './kyc-lists.js';

export interface DataStorageRecord extends DataStorageRow { id: number; user_id: number }

const toRecord = (r: DataStorageRecord): DataStorageRecord => ({ ...r, id: Number(r.id), user_id: Number(r.user_id) });

export const dataStoragesRepo = {
  async forUser(q: Queryable, userId: number): Promise<DataStorageRecord[]> {
    return (await q.query<DataStorageRecord>('SELECT * FROM data_storages WHERE user_id = $1 ORDER BY id', [userId])).map(toRecord);
  },
  /** Titles are unique per user case-insensitively. */
  async byTitle(q: Queryable, userId: number, title: string): Promise<DataStorageRecord | null> {
    const [r] = await q.query<DataStorageRecord>('SELECT * FROM data_storages WHERE user_id = $1 AND lower(title) = lower($2)', [userId, title]);
    return r ? toRecord(r) : null;
  },
  async insert(q: Queryable, userId: number, title: string, data: string): Promise<DataStorageRecord> {
    const [r] = await q.query<DataStorageRecord>('INSERT INTO data_storages (user_id, title, data) VALUES ($1, $2, $3) RETURNING *', [userId, title, data]);
    return toRecord(r);
  },
  async remove(q: Queryable, id: number): Promise<boolean> {
    return (await q.query('DELETE FROM data_storages WHERE id = $1 RETURNING id', [id])).length > 0;
  },
};
