import type { Queryable } from '../db.js';

/** A documents row; dates as `YYYY-MM-DD` text so no time zone can shift them. */
export interface DocumentRow {
  id: number;
  user_id: number;
  upload: string | null;
  doc_type: string | null;
  doc_expire: string | null;
  doc_number_encrypted: string | null;
  doc_number_index: string | null;
  doc_category: string | null;
  identificator: string | null;
  metadata: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewDocument {
  userId: number;
  upload: string;
  docType: string;
  docExpire: string | null;
  docNumberEncrypted: string | null;
  docNumberIndex: string | null;
  docCategory: string | null;
  identificator: string;
  metadata: string | null;
}

const COLUMNS = `id, user_id, upload, doc_type, to_char(doc_expire, 'YYYY-MM-DD') AS doc_expire, doc_number_encrypted,
  doc_number_index, doc_category, identificator, metadata, created_at, updated_at`;

const norm = (r: DocumentRow): DocumentRow => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), created_at: new Date(r.created_at), updated_at: new Date(r.updated_at) });

export const documentsRepo = {
  /** Reserves an id first: the storage key of the file contains it (`document/upload/<id>/…`). */
  async nextId(q: Queryable): Promise<number> {
    const [r] = await q.query<{ id: string }>("SELECT nextval(pg_get_serial_sequence('documents', 'id')) AS id");
    return Number(r.id);
  },
  async insert(q: Queryable, id: number, d: NewDocument): Promise<DocumentRow> {
    const [r] = await q.query<DocumentRow>(
      `INSERT INTO documents (id, user_id, upload, doc_type, doc_expire, doc_number_encrypted, doc_number_index, doc_category, identificator, metadata)
       VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [id, d.userId, d.upload, d.docType, d.docExpire, d.docNumberEncrypted, d.docNumberIndex, d.docCategory, d.identificator, d.metadata],
    );
    return norm(r);
  },
  async forUser(q: Queryable, userId: number, opts: { excludeType?: string } = {}): Promise<DocumentRow[]> {
    const rows = opts.excludeType === undefined
      ? await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE user_id = $1 ORDER BY id`, [userId])
      : await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE user_id = $1 AND doc_type IS DISTINCT FROM $2 ORDER BY id`, [userId, opts.excludeType]);
    return rows.map(norm);
  },
  async countForUser(q: Queryable, userId: number): Promise<number> {
    const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [userId]);
    return r.n;
  },
  async inBatch(q: Queryable, userId: number, identificator: string): Promise<DocumentRow[]> {
    return (await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE user_id = $1 AND identificator = $2 ORDER BY id`, [userId, identificator])).map(norm);
  },
  async byId(q: Queryable, id: number): Promise<DocumentRow | null> {
    const [r] = await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE id = $1`, [id]);
    return r ? norm(r) : null;
  },
  /** Ids of documents whose number has this blind index (duplicate-document checks by admins). */
  async idsByNumberIndex(q: Queryable, index: string): Promise<number[]> {
    return (await q.query<{ id: string }>('SELECT id FROM documents WHERE doc_number_index = $1 ORDER BY id', [index])).map((r) => Number(r.id));
  },
  /**
   * Users whose private label `key` has `value` (e.g. document=pending), oldest change first:
   * the admin review queue (`admin/users/documents/pending`).
   */
  async usersWithLabel(q: Queryable, key: string, value: string, page: number, limit: number): Promise<{ total: number; userIds: number[] }> {
    const [{ n }] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM labels WHERE key = $1 AND value = $2 AND scope = 'private'", [key, value]);
    const rows = await q.query<{ user_id: string }>(
      "SELECT user_id FROM labels WHERE key = $1 AND value = $2 AND scope = 'private' ORDER BY updated_at, id LIMIT $3 OFFSET $4",
      [key, value, limit, (page - 1) * limit],
    );
    return { total: n, userIds: rows.map((r) => Number(r.user_id)) };
  },
};
