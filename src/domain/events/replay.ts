import type { Queryable } from '../../db/db.js';
import { outboxRepo } from '../../db/repositories/outbox.js';
import type { EventPublisher } from '../../infra/amqp/port.js';
import type { EventSigner } from './event-signer.js';
import { toOutgoing } from './outbox-relay.js';

export interface ReplayOptions {
  db: Queryable;
  publisher: EventPublisher;
  signer: EventSigner;
  exchangePrefix: string;
  /** Events written at or after this time… */
  from: Date;
  /** …and before this one (default: up to now). */
  to?: Date | null;
  batchSize?: number;
  onBatch?: (count: number, lastId: number) => void;
}

export interface ReplayResult { count: number; firstId: number | null; lastId: number | null }

/**
 * Publishes again, in their original order and with their original jti, the events of a time
 * range that were already published, for a consumer that lost them. Events still waiting in
 * the outbox are left to the relay. Only what the retention kept can be replayed.
 * Throws when the broker fails; what was confirmed until then is in the error's `replayed`.
 */
export async function replayEvents(o: ReplayOptions): Promise<ReplayResult> {
  const batchSize = Math.max(1, o.batchSize ?? 200);
  const result: ReplayResult = { count: 0, firstId: null, lastId: null };
  let afterId = 0;
  for (;;) {
    const rows = await outboxRepo.publishedBetween(o.db, o.from, o.to ?? null, afterId, batchSize);
    if (rows.length === 0) return result;
    const outcome = await o.publisher.publish(toOutgoing(rows, o.signer, o.exchangePrefix));
    if (outcome.confirmed > 0) {
      result.count += outcome.confirmed;
      result.firstId ??= rows[0].id;
      result.lastId = rows[outcome.confirmed - 1].id;
    }
    if (outcome.error || outcome.confirmed < rows.length) {
      throw Object.assign(new Error(`replay stopped after ${result.count} events: ${outcome.error?.message ?? 'not confirmed'}`), { replayed: result });
    }
    afterId = rows[rows.length - 1].id;
    o.onBatch?.(result.count, afterId);
  }
}
