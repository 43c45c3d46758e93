import type { EventPublisher, OutgoingEvent, PublishOutcome } from './port.js';

/**
 * In-memory twin of the RabbitMQ publisher: keeps what it "published" and can play an outage
 * (`down`) or a connection lost in the middle of a batch (`confirmOnly`).
 */
export class MemoryEventPublisher implements EventPublisher {
  readonly messages: OutgoingEvent[] = [];
  /** Calls of publish(), successful or not (tests check that an outage is not a busy loop). */
  publishCalls = 0;
  pings = 0;
  /** While true, every call fails as if the broker were unreachable. */
  down = false;
  /** When set, the next batch is confirmed only up to this many messages (then the value resets). */
  confirmOnly: number | null = null;
  private readonly listeners: Array<(m: OutgoingEvent) => void> = [];

  async publish(batch: readonly OutgoingEvent[]): Promise<PublishOutcome> {
    this.publishCalls++;
    if (this.down) return { confirmed: 0, error: new Error('broker unreachable') };
    const limit = this.confirmOnly ?? batch.length;
    this.confirmOnly = null;
    // Like a real broker, messages past the cut may still have been routed: deliver one more.
    const delivered = Math.min(batch.length, limit < batch.length ? limit + 1 : limit);
    for (const m of batch.slice(0, delivered)) {
      this.messages.push(m);
      for (const l of this.listeners) l(m);
    }
    return limit < batch.length ? { confirmed: limit, error: new Error('connection lost before confirms') } : { confirmed: batch.length };
  }

  async ping(): Promise<boolean> {
    this.pings++;
    return !this.down;
  }

  onMessage(listener: (m: OutgoingEvent) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {}
}
