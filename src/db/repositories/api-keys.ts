import type { Queryable } from '../db.js';

export type KeyHolderType = 'User' | 'ServiceAccount';

/** A row of `apikeys` (BARONG.md §2.10); the secret stays sealed here. */
export interface ApiKeyRecord {
  id: number; holderType: KeyHolderType; holderId: number; kid: string; algorithm: string; scope: string[];
  secretEncrypted: string | null; state: string; allowedIps: string[] | null; expiresAt: Date | null; createdAt: Date; updatedAt: Date;
}

/** Columns a list may be ordered by (BARONG.md §7.9: any `apikeys` column). */
export const API_KEY_COLUMNS = [
  'id', 'key_holder_account_id', 'key_holder_account_type', 'kid', 'algorithm', 'scope', 'secret_encrypted', 'state', 'created_at', 'updated_at',
] as const;
export type ApiKeyColumn = (typeof API_KEY_COLUMNS)[number];

interface Row {
  id: number | string; key_holder_account_id: number | string; key_holder_account_type: string; kid: string; algorithm: string;
  scope: string | null; secret_encrypted: string | null; state: string; allowed_ips: string | null; expires_at: Date | null;
  created_at: Date; updated_at: Date;
}

function parseScope(text: string | null): string[] {
  return parseList(text) ?? [];
}

function parseList(text: string | null): string[] | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : null;
  } catch {
    return null;
  }
}

const toApiKey = (r: Row): ApiKeyRecord => ({
  id: Number(r.id), holderType: r.key_holder_account_type as KeyHolderType, holderId: Number(r.key_holder_account_id),
  kid: r.kid, algorithm: r.algorithm, scope: parseScope(r.scope), secretEncrypted: r.secret_encrypted, state: r.state,
  allowedIps: parseList(r.allowed_ips), expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export interface NewApiKey {
  holderType: KeyHolderType; holderId: number; kid: string; algorithm: string; scope: string[]; secretEncrypted: string; state?: string;
  allowedIps?: string[] | null; expiresAt?: Date | null;
}

export interface ApiKeyPatch { scope?: string[]; state?: string; allowedIps?: string[] | null; expiresAt?: Date | null }

export const apiKeysRepo = {
  /** Throws the unique violation of `index_apikeys_on_kid` on a kid collision. */
  async insert(q: Queryable, k: NewApiKey): Promise<ApiKeyRecord> {
    const [r] = await q.query<Row>(
      `INSERT INTO apikeys (key_holder_account_type, key_holder_account_id, kid, algorithm, scope, secret_encrypted, state, allowed_ips, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [k.holderType, k.holderId, k.kid, k.algorithm, JSON.stringify(k.scope), k.secretEncrypted, k.state ?? 'active',
        k.allowedIps ? JSON.stringify(k.allowedIps) : null, k.expiresAt ?? null],
    );
    return toApiKey(r);
  },
  async byKid(q: Queryable, kid: string): Promise<ApiKeyRecord | null> {
    const [r] = await q.query<Row>('SELECT * FROM apikeys WHERE kid = $1', [kid]);
    return r ? toApiKey(r) : null;
  },
  async listForHolder(q: Queryable, holderType: KeyHolderType, holderId: number): Promise<ApiKeyRecord[]> {
    const rows = await q.query<Row>(
      'SELECT * FROM apikeys WHERE key_holder_account_type = $1 AND key_holder_account_id = $2 ORDER BY id', [holderType, holderId]);
    return rows.map(toApiKey);
  },
  /** One page of a holder's keys; `orderBy` must come from API_KEY_COLUMNS (it is spliced into the SQL). */
  async pageForHolder(q: Queryable, holderType: KeyHolderType, holderId: number, o: { orderBy: ApiKeyColumn; ordering: 'asc' | 'desc'; page: number; limit: number }): Promise<{ rows: ApiKeyRecord[]; total: number }> {
    if (!(API_KEY_COLUMNS as readonly string[]).includes(o.orderBy)) throw new Error(`not an apikeys column: ${o.orderBy}`);
    const dir = o.ordering === 'desc' ? 'DESC' : 'ASC';
    const rows = await q.query<Row & { total: string | number }>(
      `SELECT *, count(*) OVER () AS total FROM apikeys WHERE key_holder_account_type = $1 AND key_holder_account_id = $2
       ORDER BY ${o.orderBy} ${dir}, id ${dir} LIMIT $3 OFFSET $4`,
      [holderType, holderId, o.limit, (o.page - 1) * o.limit],
    );
    if (rows.length > 0) return { rows: rows.map(toApiKey), total: Number(rows[0].total) };
    const [c] = await q.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM apikeys WHERE key_holder_account_type = $1 AND key_holder_account_id = $2', [holderType, holderId]);
    return { rows: [], total: Number(c.n) };
  },
  /** Changes only the fields present in the patch. */
  async update(q: Queryable, kid: string, p: ApiKeyPatch): Promise<ApiKeyRecord | null> {
    const sets: string[] = [];
    const args: unknown[] = [kid];
    const set = (col: string, v: unknown) => { args.push(v); sets.push(`${col} = $${args.length}`); };
    if (p.scope !== undefined) set('scope', JSON.stringify(p.scope));
    if (p.state !== undefined) set('state', p.state);
    if (p.allowedIps !== undefined) set('allowed_ips', p.allowedIps ? JSON.stringify(p.allowedIps) : null);
    if (p.expiresAt !== undefined) set('expires_at', p.expiresAt);
    sets.push('updated_at = now()');
    const [r] = await q.query<Row>(`UPDATE apikeys SET ${sets.join(', ')} WHERE kid = $1 RETURNING *`, args);
    return r ? toApiKey(r) : null;
  },
  async setState(q: Queryable, kid: string, state: string): Promise<ApiKeyRecord | null> {
    const [r] = await q.query<Row>('UPDATE apikeys SET state = $2, updated_at = now() WHERE kid = $1 RETURNING *', [kid, state]);
    return r ? toApiKey(r) : null;
  },
  /** Moves the holder's keys in `fromState` to `toState` (2FA disabled, holder banned); returns the kids changed. */
  async setStateForHolder(q: Queryable, holderType: KeyHolderType, holderId: number, fromState: string, toState: string): Promise<string[]> {
    const rows = await q.query<{ kid: string }>(
      `UPDATE apikeys SET state = $4, updated_at = now()
       WHERE key_holder_account_type = $1 AND key_holder_account_id = $2 AND state = $3 RETURNING kid`,
      [holderType, holderId, fromState, toState],
    );
    return rows.map((r) => r.kid);
  },
  async delete(q: Queryable, kid: string): Promise<boolean> {
    return (await q.query('DELETE FROM apikeys WHERE kid = $1 RETURNING id', [kid])).length > 0;
  },
};
