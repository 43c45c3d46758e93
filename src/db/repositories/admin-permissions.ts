import type { Queryable } from '../db.js';
import type { Permission } from './permissions.js';

export type { Permission } from './permissions.js';

export interface PermissionFields { action: string; role: string; verb: string; path: string; topic: string | null }

interface Row { id: number | string; action: string; role: string; verb: string; path: string; topic: string | null; created_at: Date; updated_at: Date }
const toPermission = (r: Row): Permission => ({
  id: Number(r.id), action: r.action, role: r.role, verb: r.verb, path: r.path, topic: r.topic, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** The permissions table as the admin API edits it (BARONG.md §8.4); the table is small. */
export const adminPermissionsRepo = {
  async page(q: Queryable, page: number, limit: number): Promise<{ total: number; rows: Permission[] }> {
    const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM permissions');
    const rows = await q.query<Row>(`SELECT * FROM permissions ORDER BY id LIMIT ${limit} OFFSET ${(page - 1) * limit}`);
    return { total: n, rows: rows.map(toPermission) };
  },
  async byId(q: Queryable, id: number, lock = false): Promise<Permission | null> {
    const [r] = await q.query<Row>(`SELECT * FROM permissions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return r ? toPermission(r) : null;
  },
  async insert(q: Queryable, p: PermissionFields): Promise<Permission> {
    const [r] = await q.query<Row>(
      'INSERT INTO permissions (action, role, verb, path, topic) VALUES ($1, $2, $3, $4, $5) RETURNING *', [p.action, p.role, p.verb, p.path, p.topic]);
    return toPermission(r);
  },
  async update(q: Queryable, id: number, p: PermissionFields): Promise<Permission> {
    const [r] = await q.query<Row>(
      'UPDATE permissions SET action = $2, role = $3, verb = $4, path = $5, topic = $6, updated_at = now() WHERE id = $1 RETURNING *',
      [id, p.action, p.role, p.verb, p.path, p.topic]);
    return toPermission(r);
  },
  async delete(q: Queryable, id: number): Promise<Permission | null> {
    const [r] = await q.query<Row>('DELETE FROM permissions WHERE id = $1 RETURNING *', [id]);
    return r ? toPermission(r) : null;
  },
};
