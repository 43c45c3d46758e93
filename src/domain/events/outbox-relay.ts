import type { Db } from '../../db/db.js';
import { outboxRepo, type OutboxEvent } from '../../db/repositories/outbox.js';
import type { EventPublisher, OutgoingEvent } from '../../infra/amqp/port.js';
import { WakeTimer } from '../../lib/wake-timer.js';
import { eventRoute, type EventSigner } from './event-signer.js';

export interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxRelayOptions {
  db: Db;
  publisher: EventPublisher;
  signer: EventSigner;
  /** Exchanges are `<prefix>.<first segment of the event name>` (EVENT_EXCHANGE_PREFIX). */
  exchangePrefix: string;
  logger: RelayLogger;
  /** Events per transaction (default 100). */
  batchSize?: number;
  /** How often an idle relay looks for events committed by other instances (default 1000 ms). */
  pollIntervalMs?: number;
  /** Backoff after a failure: from minBackoffMs doubling up to maxBackoffMs, with jitter (defaults 250 / 30 000). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  now?: () => Date;
}

export interface DrainResult {
  published: number;
  /** Another instance holds the relay lock right now. */
  busy?: boolean;
  /** A full batch went out: there may be more. */
  more?: boolean;
  error?: Error;
}

/** Delay before retry number `failures` (1, 2, …): exponential, capped, "equal jitter" (half fixed, half random). */
export function relayBackoffMs(failures: number, min: number, max: number, random: () => number = Math.random): number {
  const base = Math.min(max, min * 2 ** Math.max(0, failures - 1));
  return Math.round(base / 2 + (base / 2) * random());
}

export function toOutgoing(rows: readonly OutboxEvent[], signer: EventSigner, exchangePrefix: string): OutgoingEvent[] {
  return rows.map((r) => ({ ...eventRoute(r.name, exchangePrefix), body: signer.sign(r.payload, r.jti), messageId: r.jti }));
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);

/**
 * Publishes the outbox to the event API, oldest first, each event once the broker confirmed it.
 *
 * Ordering and exclusivity: a batch is one database transaction that first takes the relay's
 * advisory lock (pg_try_advisory_xact_lock). Of several instances only the lock holder publishes,
 * so no event goes out twice at the same time and batches never overtake each other. Row-level
 * SKIP LOCKED sharing was rejected on purpose: two relays with disjoint rows can publish a user's
 * later event before his earlier one. Inside the batch only the longest confirmed prefix is marked
 * published; the rest (fate unknown) is published again later, in order, with the same jti.
 *
 * Failures: a broker that cannot be reached is retried with exponential backoff and jitter, and
 * kicks from new commits do not shorten the wait, so an outage is no busy loop. HTTP requests
 * never wait for any of this: their events just stay in the outbox.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly now: () => Date;

  private started = false;
  private readonly wake = new WakeTimer(() => this.tick());
  private inFlight: Promise<void> | null = null;
  private kicked = false;
  private failures = 0;
  /** Counters for logs, health and tests. */
  readonly stats = { published: 0, batches: 0, failures: 0, busy: 0, lastError: null as string | null };

  constructor(private readonly o: OutboxRelayOptions) {
    this.batchSize = Math.max(1, o.batchSize ?? 100);
    this.pollIntervalMs = o.pollIntervalMs ?? 1000;
    this.minBackoffMs = o.minBackoffMs ?? 250;
    this.maxBackoffMs = o.maxBackoffMs ?? 30_000;
    this.random = o.random ?? Math.random;
    this.now = o.now ?? (() => new Date());
  }

  /** Publishes one batch (if this instance gets the relay lock). Throws only on database errors. */
  async drainOnce(): Promise<DrainResult> {
    // Reach the broker before opening a transaction, so an outage holds no database connection.
    if (!(await this.o.publisher.ping())) return { published: 0, error: new Error('event broker unreachable') };
    return this.o.db.tx(async (q) => {
      if (!(await outboxRepo.tryRelayLock(q))) return { published: 0, busy: true };
      const rows = await outboxRepo.unpublished(q, this.batchSize);
      if (rows.length === 0) return { published: 0 };
      const outcome = await this.o.publisher.publish(toOutgoing(rows, this.o.signer, this.o.exchangePrefix));
      const done = rows.slice(0, outcome.confirmed);
      await outboxRepo.markPublished(q, done.map((r) => r.id), this.now());
      if (outcome.confirmed < rows.length) {
        const reason = errorText(outcome.error ?? 'not confirmed');
        await outboxRepo.recordPublishFailure(q, rows[outcome.confirmed].id, reason);
        return { published: done.length, error: outcome.error ?? new Error(reason) };
      }
      return { published: done.length, more: rows.length === this.batchSize };
    });
  }

  /** Runs in the background: drains on kicks, polls every pollIntervalMs (timers are unref'd). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Call after an outbox row was committed: publish soon (unless backing off after a failure). */
  kick(): void {
    this.kicked = true;
    if (!this.started || this.failures > 0) return;
    this.schedule(5);
  }

  /** Stops the loop after the batch in flight, then tries one last flush so events committed just before shutdown go out. */
  async stop(): Promise<void> {
    const wasStarted = this.started;
    this.started = false;
    this.wake.cancel();
    while (this.inFlight) await this.inFlight;
    if (wasStarted && this.failures === 0) {
      try {
        for (let i = 0; i < 10; i++) {
          const r = await this.drainOnce();
          this.stats.published += r.published;
          if (!r.more) break;
        }
      } catch (err) {
        this.o.logger.warn({ err: errorText(err) }, 'event outbox flush at shutdown failed');
      }
    }
    await this.o.publisher.close();
  }

  private schedule(delayMs: number): void {
    if (!this.started || this.inFlight) return; // a running drain reschedules itself when it ends
    this.wake.in(delayMs);
  }

  private tick(): void {
    if (!this.started || this.inFlight) return;
    this.inFlight = (async () => {
      const delay = await this.run();
      this.inFlight = null;
      this.schedule(delay);
    })();
  }

  /** Drains until the outbox is empty, the lock is elsewhere or something fails; returns the next delay. */
  private async run(): Promise<number> {
    let delay = this.pollIntervalMs;
    try {
      for (;;) {
        const kickedBefore = this.kicked;
        this.kicked = false;
        const r = await this.drainOnce();
        this.stats.published += r.published;
        if (r.published > 0) this.stats.batches++;
        if (r.error) {
          this.fail(r.error);
          delay = relayBackoffMs(this.failures, this.minBackoffMs, this.maxBackoffMs, this.random);
          break;
        }
        if (this.failures > 0) this.o.logger.info({ after: this.failures }, 'event broker reachable again; publishing the backlog');
        this.failures = 0;
        if (r.busy) {
          this.stats.busy++;
          // The lock holder may have read its batch before our commit: look again soon.
          delay = kickedBefore ? Math.min(100, this.pollIntervalMs) : this.pollIntervalMs;
          break;
        }
        if (!r.more || !this.started) {
          if (this.kicked) delay = 0;
          break;
        }
      }
    } catch (err) {
      this.fail(err);
      delay = relayBackoffMs(this.failures, this.minBackoffMs, this.maxBackoffMs, this.random);
    }
    return delay;
  }

  private fail(err: unknown): void {
    this.failures++;
    this.stats.failures++;
    this.stats.lastError = errorText(err);
    // One line when the outage starts, then one per ten attempts, not one per retry.
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.o.logger.warn({ err: this.stats.lastError, failures: this.failures }, 'event publishing failed; events wait in the outbox');
    }
  }
}
