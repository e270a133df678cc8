/**
 * The message bus port. RabbitMQ (topic exchange, one durable queue per consumer) in production,
 * an in-process bus in embedded mode. Producers never publish directly from a request: they write an
 * outbox row in the same transaction as the change, and the relay publishes it (see outbox.ts).
 */
export interface EventEnvelope<T = unknown> {
  /** Unique message id (UUID); consumers de-duplicate on it. */
  id: string;
  /** Event type, also the routing key, e.g. `order_created`. */
  type: string;
  version: number;
  /** ISO 8601 UTC. */
  occurredAt: string;
  data: T;
}

/** Which try this is: a handler (or a wrapper counting retries) may want to know. */
export interface DeliveryAttempt {
  attempt: number;
  maxAttempts: number;
}

export type EventHandler = (event: EventEnvelope, delivery: DeliveryAttempt) => Promise<void>;

export interface SubscribeOptions {
  /** Attempts before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Base retry delay in ms; attempt n waits base * 2^(n-1) (default 1000). */
  retryDelayMs?: number;
}

export interface Subscription {
  /** Stop consuming; in-flight handlers finish first. */
  close(): Promise<void>;
}

/** Told of each message a consumer gave up on, once it is safely in the dead-letter queue. */
export type DeadLetterListener = (consumer: string, event: EventEnvelope, error: string) => void;

export interface MessageBus {
  readonly kind: 'amqp' | 'memory';
  /** Publish one event; resolves once the broker has confirmed it (publisher confirms). */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Register a named consumer for some event types. Each consumer name has its own durable queue, so
   * two consumers both receive an event, while two processes subscribing with the same name compete.
   * A handler that throws is retried with growing delay, then the message goes to the dead-letter queue.
   */
  subscribe(
    consumer: string,
    types: string[],
    handler: EventHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Call `listener` for every message dead-lettered by this process's consumers from now on. */
  onDeadLetter(listener: DeadLetterListener): void;
  /** Messages currently dead-lettered for a consumer (for the admin API and tests). */
  deadLetters(consumer: string): Promise<EventEnvelope[]>;
  /** Throws when the backend cannot be reached (used by /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
