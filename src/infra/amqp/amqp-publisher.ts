import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { EventPublisher, OutgoingEvent, PublishOutcome } from './port.js';

export interface AmqpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AmqpPublisherOptions {
  logger: AmqpLogger;
  /** Shown in the broker's connection list (`rabbitmqctl list_connections client_properties`). */
  connectionName?: string;
  /** ms to open the TCP connection and finish the AMQP handshake (default 5000). */
  connectTimeoutMs?: number;
  /** ms to wait for the broker's confirms of one batch before giving up on the connection (default 10 000). */
  confirmTimeoutMs?: number;
  /** Heartbeat seconds (default 15): a silently dead connection is noticed within two of them. */
  heartbeatSeconds?: number;
}

/** The error text without the URL's password, should a library ever echo it. */
function scrub(err: unknown, secret: string): Error {
  let message = err instanceof Error ? err.message : String(err);
  if (secret) message = message.split(secret).join('***');
  return new Error(message.replace(/\s+/g, ' ').trim().slice(0, 300) || 'unknown AMQP error');
}

/** Resolves when the channel can take more writes again, or is gone. */
function drained(ch: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { ch.off('drain', done); ch.off('close', done); resolve(); };
    ch.on('drain', done);
    ch.on('close', done);
  });
}

/**
 * Publishes to RabbitMQ on one confirm channel (amqplib). Connects lazily, declares each
 * exchange once per connection (direct, durable, as Barong), and drops the connection on any
 * error so the next call starts clean. Messages are persistent, so an event a durable queue
 * accepted survives a broker restart.
 */
export class AmqpEventPublisher implements EventPublisher {
  private conn: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel> | null = null;
  private readonly declared = new Set<string>();
  private readonly password: string;
  private closed = false;

  constructor(private readonly url: string, private readonly opts: AmqpPublisherOptions) {
    this.password = decodeURIComponent(new URL(url).password);
  }

  async ping(): Promise<boolean> {
    try {
      await this.open();
      return true;
    } catch {
      return false;
    }
  }

  async publish(batch: readonly OutgoingEvent[]): Promise<PublishOutcome> {
    if (batch.length === 0) return { confirmed: 0 };
    let ch: ConfirmChannel;
    try {
      ch = await this.open();
      for (const exchange of new Set(batch.map((m) => m.exchange))) {
        if (this.declared.has(exchange)) continue;
        await ch.assertExchange(exchange, 'direct', { durable: true });
        this.declared.add(exchange);
      }
    } catch (err) {
      return { confirmed: 0, error: scrub(err, this.password) };
    }

    const confirms: Promise<void>[] = [];
    let sendError: Error | undefined;
    const timestamp = Math.floor(Date.now() / 1000);
    for (const m of batch) {
      try {
        let ack!: () => void;
        let nack!: (e: Error) => void;
        confirms.push(new Promise<void>((resolve, reject) => { ack = resolve; nack = reject; }));
        const more = ch.publish(m.exchange, m.routingKey, Buffer.from(m.body), {
          persistent: true, contentType: 'application/json', messageId: m.messageId, timestamp, appId: 'warden',
        }, (err: unknown) => (err ? nack(err instanceof Error ? err : new Error('message nacked by the broker')) : ack()));
        // Respect the socket's back-pressure instead of buffering a whole backlog in memory.
        if (!more) await drained(ch);
      } catch (err) {
        confirms.pop()?.catch(() => undefined);
        sendError = scrub(err, this.password);
        break;
      }
    }

    const timeoutMs = this.opts.confirmTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const settled = await Promise.race([Promise.allSettled(confirms), timedOut]);
    clearTimeout(timer);
    if (settled === 'timeout') {
      // Unknown fate: drop the connection; the relay publishes the batch again (same jti).
      this.reset('confirm timeout');
      for (const p of confirms) p.catch(() => undefined);
      return { confirmed: 0, error: new Error(`no confirm from the broker within ${timeoutMs} ms`) };
    }
    let confirmed = 0;
    while (confirmed < settled.length && settled[confirmed].status === 'fulfilled') confirmed++;
    if (confirmed < batch.length) {
      const failure = settled[confirmed];
      const error = sendError ?? (failure && failure.status === 'rejected' ? scrub(failure.reason, this.password) : new Error('not confirmed'));
      this.reset(error.message);
      return { confirmed, error };
    }
    return { confirmed };
  }

  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn;
    this.conn = null;
    this.channel = null;
    if (conn) await conn.close().catch(() => undefined);
  }

  private open(): Promise<ConfirmChannel> {
    if (this.closed) return Promise.reject(new Error('publisher closed'));
    if (this.channel) return Promise.resolve(this.channel);
    this.opening ??= this.connectAndOpen().finally(() => { this.opening = null; });
    return this.opening;
  }

  private async connectAndOpen(): Promise<ConfirmChannel> {
    if (!this.conn) {
      // Heartbeats are negotiated from the URL's query; an operator's own value wins.
      const url = new URL(this.url);
      if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.opts.heartbeatSeconds ?? 15));
      const conn = await connect(url.toString(), {
        timeout: this.opts.connectTimeoutMs ?? 5000,
        keepAlive: true,
        clientProperties: { connection_name: this.opts.connectionName ?? 'warden-event-relay' },
      });
      // Without an 'error' listener a broker-side close would be an uncaught exception.
      conn.on('error', (err: Error) => this.opts.logger.warn({ err: scrub(err, this.password).message }, 'event broker connection error'));
      conn.on('close', () => {
        if (this.conn !== conn) return;
        this.conn = null;
        this.channel = null;
        this.declared.clear();
      });
      if (this.closed) {
        await conn.close().catch(() => undefined);
        throw new Error('publisher closed');
      }
      this.conn = conn;
      this.opts.logger.info({}, 'connected to the event broker');
    }
    const ch = await this.conn.createConfirmChannel();
    ch.on('error', (err: Error) => this.opts.logger.warn({ err: scrub(err, this.password).message }, 'event broker channel error'));
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = null;
      this.declared.clear();
    });
    this.channel = ch;
    return ch;
  }

  /** Forgets the connection and closes it in the background. */
  private reset(reason: string): void {
    const conn = this.conn;
    this.conn = null;
    this.channel = null;
    this.declared.clear();
    if (conn) {
      this.opts.logger.warn({ reason }, 'dropping the event broker connection');
      void conn.close().catch(() => undefined);
    }
  }
}
