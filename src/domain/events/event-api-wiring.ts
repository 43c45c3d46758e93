import os from 'node:os';
import type { Db } from '../../db/db.js';
import { AmqpEventPublisher } from '../../infra/amqp/amqp-publisher.js';
import type { EventPublisher } from '../../infra/amqp/port.js';
import { EventSigner, type EventSigningKey } from './event-signer.js';
import { OutboxPruner } from './outbox-pruner.js';
import { OutboxRelay, type RelayLogger } from './outbox-relay.js';

export interface EventApiSettings {
  AMQP_URL?: string;
  EVENT_EXCHANGE_PREFIX: string;
  EVENT_ISSUER: string;
  EVENT_EXPIRE_TIME: number;
  EVENT_RETENTION_HOURS: number;
}

/** The event API of one instance: the relay (only with a broker) and the outbox pruner (always). */
export interface EventApi {
  readonly signer: EventSigner;
  readonly exchangePrefix: string;
  /** null when neither AMQP_URL nor a test publisher is given: events stay in the outbox. */
  readonly publisher: EventPublisher | null;
  readonly relay: OutboxRelay | null;
  readonly pruner: OutboxPruner;
  /** Wakes the relay after a commit. */
  kick(): void;
  /** For /health/ready: whether the broker answers; null when no broker is configured. */
  brokerReachable(): Promise<boolean | null>;
  start(): void;
  /** Flushes what it can, then closes the broker connection. */
  stop(): Promise<void>;
}

/** The name this instance's broker connection shows (`rabbitmqctl list_connections client_properties`). */
export function relayConnectionName(exchangePrefix: string): string {
  return `warden-relay ${exchangePrefix} ${os.hostname()}/${process.pid}`;
}

export function buildEventApi(o: {
  settings: EventApiSettings; db: Db; key: EventSigningKey; logger: RelayLogger; now: () => number;
  publisher?: EventPublisher; relayPollIntervalMs?: number;
}): EventApi {
  const s = o.settings;
  const signer = new EventSigner(o.key, { issuer: s.EVENT_ISSUER, lifetimeSeconds: s.EVENT_EXPIRE_TIME, now: o.now });
  const publisher = o.publisher ?? (s.AMQP_URL
    ? new AmqpEventPublisher(s.AMQP_URL, { logger: o.logger, connectionName: relayConnectionName(s.EVENT_EXCHANGE_PREFIX) })
    : null);
  const relay = publisher
    ? new OutboxRelay({ db: o.db, publisher, signer, exchangePrefix: s.EVENT_EXCHANGE_PREFIX, logger: o.logger, pollIntervalMs: o.relayPollIntervalMs })
    : null;
  const pruner = new OutboxPruner(o.db, { retentionHours: s.EVENT_RETENTION_HOURS, withBroker: publisher !== null, logger: o.logger });
  return {
    signer, exchangePrefix: s.EVENT_EXCHANGE_PREFIX, publisher, relay, pruner,
    kick: () => relay?.kick(),
    brokerReachable: async () => (publisher ? publisher.ping() : null),
    start: () => { relay?.start(); pruner.start(); },
    stop: async () => {
      await pruner.stop();
      if (relay) await relay.stop();
      else if (publisher) await publisher.close();
    },
  };
}
