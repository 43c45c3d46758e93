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
  async remove(q: Queryable, userId: number, key: string, scope: string): Promise<boolean> {
    return (await q.query('DELETE FROM labels WHERE user_id = $1 AND key = $2 AND scope = $3 RETURNING id', [userId, key, scope])).length > 0;
  },
};
