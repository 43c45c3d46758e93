import type { Queryable } from '../db.js';

export interface Permission { id: number; action: string; role: string; verb: string; path: string; topic: string | null; createdAt: Date; updatedAt: Date }

interface Row { id: number; action: string; role: string; verb: string; path: string; topic: string | null; created_at: Date; updated_at: Date }
const toPermission = (r: Row): Permission => ({ id: Number(r.id), action: r.action, role: r.role, verb: r.verb, path: r.path, topic: r.topic, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) });

/** A permission as the gateway applies it (BARONG.md §11.6). */
export interface PermissionRuleRow { role: string; verb: string; path: string; action: string; topic: string | null }

export const permissionsRepo = {
  /** Every rule in id order, only the columns the gateway reads. */
  async rules(q: Queryable): Promise<PermissionRuleRow[]> {
    return q.query<PermissionRuleRow>('SELECT role, verb, path, action, topic FROM permissions ORDER BY id');
  },
  async all(q: Queryable): Promise<Permission[]> {
    return (await q.query<Row>('SELECT * FROM permissions ORDER BY id')).map(toPermission);
  },
  async roleExists(q: Queryable, role: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM permissions WHERE role = $1 LIMIT 1', [role])).length > 0;
  },
  /** Idempotent seed: identical (role, verb, path, action) rows are skipped. */
  async ensure(q: Queryable, p: { action: string; role: string; verb: string; path: string; topic?: string | null }): Promise<void> {
    const exists = await q.query('SELECT 1 FROM permissions WHERE role = $1 AND verb = $2 AND path = $3 AND action = $4', [p.role, p.verb, p.path, p.action]);
    if (exists.length === 0) {
      await q.query('INSERT INTO permissions (action, role, verb, path, topic) VALUES ($1, $2, $3, $4, $5)', [p.action, p.role, p.verb, p.path, p.topic ?? null]);
    }
  },
};
