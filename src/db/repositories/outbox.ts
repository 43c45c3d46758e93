import type { Queryable } from '../db.js';
import { activityInsert, type NewActivity } from './activities.js';

/** An outbox row as the event relay reads it. */
export interface OutboxEvent {
  id: number;
  jti: string;
  name: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

interface Row { id: number | string; jti: string; name: string; payload: unknown; created_at: Date | string }

const toEvent = (r: Row): OutboxEvent => ({
  id: Number(r.id), jti: r.jti, name: r.name, createdAt: new Date(r.created_at),
  payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
});

/** Advisory-lock namespace of the relay (the two-int form never collides with the migrations' one-bigint key). */
const RELAY_LOCK = 7_240_101;

const COLUMNS = 'id, jti, name, payload, created_at';

export const outboxRepo = {
  /**
   * Inserts an event. With `orderKey` (the uid of the user it is about) the statement first locks
   * that user's row as an UPDATE of it would (FOR NO KEY UPDATE, held to commit): a concurrent
   * transaction emitting for, or updating, the same user waits until this one commits, so the
   * user's events get ids in commit order and publishing in id order keeps his order. Taking the
   * lock an UPDATE takes anyway adds no new lock-ordering (deadlock) case. A missing user row
   * (account just deleted) locks nothing; the event is still written.
   */
  async insert(q: Queryable, name: string, payload: object, mail: boolean, orderKey?: string | null, activity?: NewActivity): Promise<number> {
    const params: unknown[] = [name, JSON.stringify(payload), mail ? 'pending' : 'none'];
    const ctes: string[] = [];
    if (orderKey) {
      params.push(orderKey);
      ctes.push(`ordered AS (SELECT count(*) FROM (SELECT 1 FROM users WHERE uid = $${params.length} FOR NO KEY UPDATE) locked)`);
    }
    // The activity that records the same action, when given, goes in as a CTE of this statement:
    // one round trip and one commit instead of two (the login path writes both on every login).
    if (activity) {
      const act = activityInsert(activity, params.length + 1);
      params.push(...act.params);
      ctes.push(`act AS (${act.sql})`);
    }
    const [r] = await q.query<{ id: number }>(
      `${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}INSERT INTO outbox (name, payload, mail_status)
       SELECT $1, $2::jsonb, $3${orderKey ? ' FROM ordered' : ''} RETURNING id`,
      params,
    );
    return Number(r.id);
  },

  /** Inside a transaction: true when this transaction is now the only relay (until it ends). */
  async tryRelayLock(q: Queryable): Promise<boolean> {
    const [r] = await q.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}, 1) AS ok`);
    return r.ok === true;
  },

  /** The oldest events not yet confirmed by the broker, in publishing order. */
  async unpublished(q: Queryable, limit: number): Promise<OutboxEvent[]> {
    const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`, [limit]);
    return rows.map(toEvent);
  },

  async markPublished(q: Queryable, ids: readonly number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await q.query(
      `UPDATE outbox SET published_at = $2, publish_attempts = publish_attempts + 1, publish_error = NULL
        WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
      [ids, at.toISOString()],
    );
  },

  async recordPublishFailure(q: Queryable, id: number, error: string): Promise<void> {
    await q.query('UPDATE outbox SET publish_attempts = publish_attempts + 1, publish_error = $2 WHERE id = $1', [id, error.slice(0, 500)]);
  },

  /** Events not yet published: how many, and when the oldest was written. */
  async backlog(q: Queryable): Promise<{ count: number; oldest: Date | null }> {
    const [r] = await q.query<{ n: number | string; oldest: Date | string | null }>(
      'SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL');
    return { count: Number(r.n), oldest: r.oldest === null ? null : new Date(r.oldest) };
  },

  /**
   * Deletes up to `limit` rows that everyone is done with and that are older than `before`:
   * mail no longer pending, and published (or, without a broker, nothing left to publish).
   * Returns the number deleted; callers repeat while it equals `limit`.
   */
  async prune(q: Queryable, before: Date, withBroker: boolean, limit: number): Promise<number> {
    const age = withBroker ? 'published_at < $1::timestamptz' : 'created_at < $1::timestamptz';
    const rows = await q.query<{ id: number }>(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE ${age} AND mail_status <> 'pending' ORDER BY id LIMIT $2)
       RETURNING id`,
      [before.toISOString(), limit],
    );
    return rows.length;
  },

  /** Already published events written in [from, to), after `afterId`, in id order (replays). */
  async publishedBetween(q: Queryable, from: Date, to: Date | null, afterId: number, limit: number): Promise<OutboxEvent[]> {
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM outbox
        WHERE published_at IS NOT NULL AND created_at >= $1::timestamptz AND ($2::timestamptz IS NULL OR created_at < $2::timestamptz)
          AND id > $3
        ORDER BY id LIMIT $4`,
      [from.toISOString(), to ? to.toISOString() : null, afterId, limit],
    );
    return rows.map(toEvent);
  },
};
