import type { Queryable } from '../db.js';
import type { Label } from '../../domain/users/user.js';

interface LabelRow { id: number; user_id: number; key: string; value: string; scope: string; description: string | null; created_at: Date; updated_at: Date }

const toLabel = (r: LabelRow): Label => ({
  id: Number(r.id), userId: Number(r.user_id), key: r.key, value: r.value, scope: r.scope as Label['scope'],
  description: r.description, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export const labelsRepo = {
  async forUser(q: Queryable, userId: number): Promise<Label[]> {
    return (await q.query<LabelRow>('SELECT * FROM labels WHERE user_id = $1 ORDER BY id', [userId])).map(toLabel);
  },
  async find(q: Queryable, userId: number, key: string, scope: string): Promise<Label | null> {
    const [r] = await q.query<LabelRow>('SELECT * FROM labels WHERE user_id = $1 AND key = $2 AND scope = $3', [userId, key, scope]);
    return r ? toLabel(r) : null;
  },
  /** Inserts or updates (user, key, scope); returns the label and its previous value (null when new). */
  async upsert(q: Queryable, userId: number, key: string, value: string, scope: string, description: string | null = null): Promise<{ label: Label; previous: string | null }> {
    const before = await this.find(q, userId, key, scope);
    if (before) {
      if (before.value === value) return { label: before, previous: before.value };
      const [r] = await q.query<LabelRow>('UPDATE labels SET value = $2, updated_at = now() WHERE id = $1 RETURNING *', [before.id, value]);
      return { label: toLabel(r), previous: before.value };
    }
    const [r] = await q.query<LabelRow>(
      'INSERT INTO labels (user_id, key, value, scope, description) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [userId, key, value, scope, description],
    );
    return { label: toLabel(r), previous: null };
  },
  /** All labels of a user by creation time (GET resource/labels). */
  async ordered(q: Queryable, userId: number, ordering: 'asc' | 'desc'): Promise<Label[]> {
    const dir = ordering === 'desc' ? 'DESC' : 'ASC';
    return (await q.query<LabelRow>(`SELECT * FROM labels WHERE user_id = $1 ORDER BY created_at ${dir}, id ${dir}`, [userId])).map(toLabel);
  },
  /** Every label of a user with this key, any scope, oldest first. */
  async byKey(q: Queryable, userId: number, key: string): Promise<Label[]> {
    return (await q.query<LabelRow>('SELECT * FROM labels WHERE user_id = $1 AND key = $2 ORDER BY id', [userId, key])).map(toLabel);
  },
  async insert(q: Queryable, l: { userId: number; key: string; value: string; scope: string; description: string | null }): Promise<Label> {
    const [r] = await q.query<LabelRow>(
      'INSERT INTO labels (user_id, key, value, scope, description) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [l.userId, l.key, l.value, l.scope, l.description],
    );
    return toLabel(r);
  },
  async updateById(q: Queryable, id: number, fields: { value?: string; description?: string | null; scope?: string }): Promise<Label> {
    const [r] = await q.query<LabelRow>(
      `UPDATE labels SET value = COALESCE($2, value), scope = COALESCE($3, scope),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, fields.value ?? null, fields.scope ?? null, fields.description !== undefined, fields.description ?? null],
    );
    return toLabel(r);
  },
  async removeById(q: Queryable, id: number): Promise<boolean> {
    return (await q.query('DELETE FROM labels WHERE id = $1 RETURNING id', [id])).length > 0;
  },
  /** Ids of the users holding key=value (any scope unless given), for admin lists. */
  async userIdsWith(q: Queryable, key: string, value: string, scope?: string): Promise<number[]> {
    const rows = await q.query<{ user_id: string }>(
      'SELECT DISTINCT user_id FROM labels WHERE key = $1 AND value = $2 AND ($3::text IS NULL OR scope = $3) ORDER BY user_id',
      [key, value, scope ?? null],
    );
    return rows.map((r) => Number(r.user_id));
  },
  async remove(q: Queryable, userId: number, key: string, scope: string): Promise<boolean> {
    return (await q.query('DELETE FROM labels WHERE user_id = $1 AND key = $2 AND scope = $3 RETURNING id', [userId, key, scope])).length > 0;
  },
};
