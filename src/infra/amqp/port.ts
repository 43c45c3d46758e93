/** One signed event on its way to the broker. */
export interface OutgoingEvent {
  exchange: string;
  routingKey: string;
  /** The message body (the JWS JSON). */
  body: string;
  /** The event's jti, also set as the AMQP message-id so consumers can de-duplicate on either. */
  messageId: string;
}

/**
 * `confirmed` leading messages of the batch were confirmed by the broker; when it is less than
 * the batch length, `error` says why the rest were not (they may or may not have reached the
 * broker: the relay publishes them again, with the same jti).
 */
export interface PublishOutcome {
  confirmed: number;
  error?: Error;
}

/**
 * Port the outbox relay publishes through: RabbitMQ in production (amqp-publisher.ts), an
 * in-memory twin in tests (memory-publisher.ts). Implementations never throw from `publish`.
 */
export interface EventPublisher {
  /** Publishes the batch in order and waits for the broker's confirms. */
  publish(batch: readonly OutgoingEvent[]): Promise<PublishOutcome>;
  /** Connects when not connected; false when the broker cannot be reached now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
