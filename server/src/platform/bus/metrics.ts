import { Counter, Histogram, type Registry } from 'prom-client';
import type { MessageBus } from './port.js';

/**
 * The worker's metrics: what the relay publishes (and how long events waited in the outbox), and
 * per consumer what it handled, how long it took, how often it failed and was retried, and what it
 * dead-lettered. In a process running both roles they appear on the API's `/metrics`; a worker on
 * its own serves them on METRICS_PORT (127.0.0.1).
 */
export function createBusMetrics(registry: Registry) {
  const registers = [registry];
  const consumerLabels = ['consumer'] as const;
  return {
    published: new Counter({
      name: 'outbox_published_total',
      help: 'Outbox events published to the bus and confirmed by it',
      registers,
    }),
    publishFailures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox publishes the bus refused or did not confirm (each is retried with backoff)',
      registers,
    }),
    publishLatency: new Histogram({
      name: 'outbox_relay_publish_seconds',
      help: 'From the commit that wrote an event to its confirmed publish, per event this relay sent',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    handled: new Counter({
      name: 'bus_consumer_messages_total',
      help: 'Messages a consumer handled, by outcome (success or failure)',
      labelNames: [...consumerLabels, 'outcome'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'bus_consumer_retries_total',
      help: 'Failed messages a consumer will try again',
      labelNames: consumerLabels,
      registers,
    }),
    deadLetters: new Counter({
      name: 'bus_consumer_dead_letters_total',
      help: 'Messages a consumer gave up on after its last try',
      labelNames: consumerLabels,
      registers,
    }),
    handleSeconds: new Histogram({
      name: 'bus_consumer_handle_seconds',
      help: 'Time a consumer spent on one message',
      labelNames: consumerLabels,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
  };
}

export type BusMetrics = ReturnType<typeof createBusMetrics>;

/** The bus with every subscription's handler counted and timed; everything else passes through. */
export function instrumentBus(bus: MessageBus, metrics: BusMetrics): MessageBus {
  bus.onDeadLetter((consumer) => metrics.deadLetters.inc({ consumer }));
  return {
    kind: bus.kind,
    publish: (event) => bus.publish(event),
    subscribe(consumer, types, handler, options) {
      const timer = metrics.handleSeconds.labels(consumer);
      const success = metrics.handled.labels(consumer, 'success');
      const failure = metrics.handled.labels(consumer, 'failure');
      const retries = metrics.retries.labels(consumer);
      return bus.subscribe(
        consumer,
        types,
        async (event, delivery) => {
          const end = timer.startTimer();
          try {
            await handler(event, delivery);
            success.inc();
          } catch (error) {
            failure.inc();
            if (delivery.attempt < delivery.maxAttempts) retries.inc();
            throw error;
          } finally {
            end();
          }
        },
        options,
      );
    },
    onDeadLetter: (listener) => bus.onDeadLetter(listener),
    deadLetters: (consumer) => bus.deadLetters(consumer),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}
