import type { Queryable } from '../db.js';

export type KeyHolderType = 'User' | 'ServiceAccount';

/** A row of `apikeys` (BARONG.md §2.10); the secret stays sealed here. */
export interface ApiKeyRecord {
  id: number; holderType: KeyHolderType; holderId: number; kid: string; algorithm: string; scope: string[];
  secretEncrypted: string | null; state: string; createdAt: Date; updatedAt: Date;
}

interface Row {
  id: number | string; key_holder_account_id: number | string; key_holder_account_type: string; kid: string; algorithm: string;
  scope: string | null; secret_encrypted: string | null; state: string; created_at: Date; updated_at: Date;
}

function parseScope(text: string | null): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

const toApiKey = (r: Row): ApiKeyRecord => ({
  id: Number(r.id), holderType: r.key_holder_account_type as KeyHolderType, holderId: Number(r.key_holder_account_id),
  kid: r.kid, algorithm: r.algorithm, scope: parseScope(r.scope), secretEncrypted: r.secret_encrypted, state: r.state,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export interface NewApiKey {
  holderType: KeyHolderType; holderId: number; kid: string; algorithm: string; scope: string[]; secretEncrypted: string; state?: string;
}

export const apiKeysRepo = {
  /** Throws the unique violation of `index_apikeys_on_kid` on a kid collision. */
  async insert(q: Queryable, k: NewApiKey): Promise<ApiKeyRecord> {
    const [r] = await q.query<Row>(
      `INSERT INTO apikeys (key_holder_account_type, key_holder_account_id, kid, algorithm, scope, secret_encrypted, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [k.holderType, k.holderId, k.kid, k.algorithm, JSON.stringify(k.scope), k.secretEncrypted, k.state ?? 'active'],
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
