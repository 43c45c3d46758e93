import type { Queryable } from '../db.js';

/** An admin's note on a user (BARONG.md §2.8). */
export interface Comment {
  id: number; userId: number; authorUid: string; title: string; data: string; createdAt: Date; updatedAt: Date;
}

interface Row { id: string | number; user_id: string | number; author_uid: string; title: string; data: string; created_at: Date; updated_at: Date }

const toComment = (r: Row): Comment => ({
  id: Number(r.id), userId: Number(r.user_id), authorUid: r.author_uid, title: r.title, data: r.data,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export const commentsRepo = {
  async insert(q: Queryable, c: { userId: number; authorUid: string; title: string; data: string }): Promise<Comment> {
    const [r] = await q.query<Row>(
      'INSERT INTO comments (user_id, author_uid, title, data) VALUES ($1, $2, $3, $4) RETURNING *',
      [c.userId, c.authorUid, c.title, c.data],
    );
    return toComment(r);
  },
  async byId(q: Queryable, id: number): Promise<Comment | null> {
    const [r] = await q.query<Row>('SELECT * FROM comments WHERE id = $1', [id]);
    return r ? toComment(r) : null;
  },
  /** Locked for the rest of the transaction (edits and deletes of one comment are serialised). */
  async lockById(q: Queryable, id: number): Promise<Comment | null> {
    const [r] = await q.query<Row>('SELECT * FROM comments WHERE id = $1 FOR UPDATE', [id]);
    return r ? toComment(r) : null;
  },
  /** Sets the given fields; null leaves a field as it is. */
  async update(q: Queryable, id: number, f: { title: string | null; data: string | null }): Promise<Comment> {
    const [r] = await q.query<Row>(
      'UPDATE comments SET title = COALESCE($2, title), data = COALESCE($3, data), updated_at = now() WHERE id = $1 RETURNING *',
      [id, f.title, f.data],
    );
    return toComment(r);
  },
  async remove(q: Queryable, id: number): Promise<boolean> {
    return (await q.query('DELETE FROM comments WHERE id = $1 RETURNING id', [id])).length > 0;
  },
  /** A user's comments, oldest first (UserWithKYC). */
  async forUser(q: Queryable, userId: number): Promise<Comment[]> {
    return (await q.query<Row>('SELECT * FROM comments WHERE user_id = $1 ORDER BY id', [userId])).map(toComment);
  },
  async pageForUser(q: Queryable, userId: number, page: number, limit: number): Promise<{ total: number; rows: Comment[] }> {
    const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE user_id = $1', [userId]);
    const rows = await q.query<Row>('SELECT * FROM comments WHERE user_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [userId, limit, (page - 1) * limit]);
    return { total: n, rows: rows.map(toComment) };
  },
};
