import type { Db } from '../../db/db.js';
import { outboxRepo } from '../../db/repositories/outbox.js';

export interface PrunerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutboxPrunerOptions {
  /** Rows are kept this long after they were published (EVENT_RETENTION_HOURS); replays reach back this far. */
  retentionHours: number;
  /**
   * With a broker, only published rows are pruned (an unpublished event is never dropped);
   * without one there is nothing to publish and rows go by age.
   */
  withBroker: boolean;
  logger: PrunerLogger;
  /** Between two prunes (default 10 minutes). */
  intervalMs?: number;
  now?: () => Date;
}

const CHUNK = 1000;

/** Deletes outbox rows every consumer is done with, in small chunks so no long lock is held. */
export class OutboxPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly db: Db, private readonly o: OutboxPrunerOptions) {}

  async pruneOnce(): Promise<number> {
    const now = (this.o.now ?? (() => new Date()))();
    const before = new Date(now.getTime() - this.o.retentionHours * 3600_000);
    let total = 0;
    for (;;) {
      const n = await outboxRepo.prune(this.db, before, this.o.withBroker, CHUNK);
      total += n;
      if (n < CHUNK) break;
    }
    if (total > 0) this.o.logger.info({ pruned: total }, 'old outbox rows pruned');
    return total;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pruneOnce()
        .catch((err) => this.o.logger.warn({ err: (err as Error).message }, 'outbox pruning failed'))
        .finally(() => { this.running = null; });
    }, this.o.intervalMs ?? 600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
