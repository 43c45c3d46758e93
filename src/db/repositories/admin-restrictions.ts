import type { Queryable } from '../db.js';
import { unixBound } from './admin-user-refs.js';

export interface Restriction {
  id: number; category: string; scope: string; value: string; code: number | null; state: string; createdAt: Date; updatedAt: Date;
}
export interface RestrictionFields { category: string; scope: string; value: string; code: number; state: string }

/** Filters of GET admin/restrictions (BARONG.md §8.5), already validated. */
export interface RestrictionFilter {
  scope?: string; category?: string; range: 'created' | 'updated';
  /** Unix seconds on `<range>_at`, both inclusive (to the whole second). */
  from?: number; to?: number;
}

interface Row { id: number | string; category: string; scope: string; value: string; code: number | null; state: string; created_at: Date; updated_at: Date }
const toRestriction = (r: Row): Restriction => ({
  id: Number(r.id), category: r.category, scope: r.scope, value: r.value, code: r.code === null ? null : Number(r.code), state: r.state,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** The restrictions table as the admin API edits it; the gateway reads it through PolicyCache. */
export const adminRestrictionsRepo = {
  async page(q: Queryable, f: RestrictionFilter, page: number, limit: number): Promise<{ total: number; rows: Restriction[] }> {
    const params: unknown[] = [];
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    const parts: string[] = [];
    if (f.scope !== undefined) parts.push(`scope = ${p(f.scope)}`);
    if (f.category !== undefined) parts.push(`category = ${p(f.category)}`);
    const col = f.range === 'updated' ? 'updated_at' : 'created_at';
    if (f.from !== undefined) parts.push(`${col} >= to_timestamp(${p(unixBound(f.from))})`);
    if (f.to !== undefined) parts.push(`${col} < to_timestamp(${p(unixBound(f.to))}::bigint + 1)`);
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM restrictions ${where}`, params);
    const rows = await q.query<Row>(`SELECT * FROM restrictions ${where} ORDER BY id LIMIT ${limit} OFFSET ${(page - 1) * limit}`, params);
    return { total: n, rows: rows.map(toRestriction) };
  },
  async byId(q: Queryable, id: number, lock = false): Promise<Restriction | null> {
    const [r] = await q.query<Row>(`SELECT * FROM restrictions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return r ? toRestriction(r) : null;
  },
  /** Unique (scope, category, value): a duplicate raises the unique violation. */
  async insert(q: Queryable, r: RestrictionFields): Promise<Restriction> {
    const [row] = await q.query<Row>(
      'INSERT INTO restrictions (category, scope, value, code, state) VALUES ($1, $2, $3, $4, $5) RETURNING *', [r.category, r.scope, r.value, r.code, r.state]);
    return toRestriction(row);
  },
  async update(q: Queryable, id: number, r: RestrictionFields): Promise<Restriction> {
    const [row] = await q.query<Row>(
      'UPDATE restrictions SET category = $2, scope = $3, value = $4, code = $5, state = $6, updated_at = now() WHERE id = $1 RETURNING *',
      [id, r.category, r.scope, r.value, r.code, r.state]);
    return toRestriction(row);
  },
  async delete(q: Queryable, id: number): Promise<Restriction | null> {
    const [row] = await q.query<Row>('DELETE FROM restrictions WHERE id = $1 RETURNING *', [id]);
    return row ? toRestriction(row) : null;
  },
};
