import type {
  DeadLetterListener,
  EventEnvelope,
  EventHandler,
  MessageBus,
  SubscribeOptions,
  Subscription,
} from './port.js';

/** Concurrent deliveries per subscription, matching the AMQP adapter's prefetch. */
const PREFETCH = 10;

interface Delivery {
  /** Serialised once at publish, so handlers see JSON-shaped data exactly as over AMQP. */
  body: string;
  attempt: number;
}

interface Sub {
  consumer: string;
  handler: EventHandler;
  maxAttempts: number;
  retryDelayMs: number;
  inflight: number;
}

/** One per consumer name, like the durable queue per consumer on RabbitMQ. */
interface ConsumerQueue {
  types: Set<string>;
  pending: Delivery[];
  subs: Sub[];
  /** Round-robin cursor, so subscriptions sharing a name compete fairly. */
  next: number;
  dead: string[];
  scheduled: boolean;
}

export function assertBindableTypes(types: string[]): void {
  for (const type of types) {
    // Topic wildcards would match differently on RabbitMQ than here; keep types literal.
    if (!type || /[*#]/.test(type))
      throw new Error(`invalid event type for subscription: "${type}"`);
  }
}

export interface MemoryBusOptions {
  /** Handler failures; defaults to console.error, like the AMQP adapter. */
  onError?: (err: unknown, context: string) => void;
}

export function createMemoryBus(opts: MemoryBusOptions = {}): MessageBus {
  const report =
    opts.onError ??
    ((err: unknown, context: string) => console.error(`[memory bus] ${context}:`, err));
  const queues = new Map<string, ConsumerQueue>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<void>>();
  const deadLetterListeners = new Set<DeadLetterListener>();
  let closed = false;

  const queueFor = (consumer: string): ConsumerQueue => {
    let q = queues.get(consumer);
    if (!q) {
      q = { types: new Set(), pending: [], subs: [], next: 0, dead: [], scheduled: false };
      queues.set(consumer, q);
    }
    return q;
  };

  // Dispatch on a later macrotask so handlers never run inside publish(), as with a real broker.
  const schedule = (q: ConsumerQueue): void => {
    if (q.scheduled || closed) return;
    q.scheduled = true;
    setImmediate(() => {
      q.scheduled = false;
      dispatch(q);
    });
  };

  const dispatch = (q: ConsumerQueue): void => {
    while (!closed && q.pending.length > 0) {
      const sub = pickSub(q);
      if (!sub) return;
      run(q, sub, q.pending.shift()!);
    }
  };

  const pickSub = (q: ConsumerQueue): Sub | undefined => {
    for (let i = 0; i < q.subs.length; i++) {
      const idx = (q.next + i) % q.subs.length;
      const sub = q.subs[idx]!;
      if (sub.inflight < PREFETCH) {
        q.next = (idx + 1) % q.subs.length;
        return sub;
      }
    }
    return undefined;
  };

  const run = (q: ConsumerQueue, sub: Sub, delivery: Delivery): void => {
    sub.inflight++;
    // Promise chain rather than an async IIFE: a handler that throws synchronously must not
    // reach the cleanup before `task` is assigned.
    const task: Promise<void> = Promise.resolve()
      .then(() =>
        sub.handler(JSON.parse(delivery.body) as EventEnvelope, {
          attempt: delivery.attempt,
          maxAttempts: sub.maxAttempts,
        }),
      )
      .catch((err: unknown) => {
        report(err, `handler failed (attempt ${delivery.attempt}/${sub.maxAttempts})`);
        if (!closed) fail(q, sub, delivery, err);
      })
      .finally(() => {
        sub.inflight--;
        inflight.delete(task);
        schedule(q);
      });
    inflight.add(task);
  };

  const fail = (q: ConsumerQueue, sub: Sub, delivery: Delivery, err: unknown): void => {
    if (delivery.attempt >= sub.maxAttempts) {
      q.dead.push(delivery.body);
      const message = String(err instanceof Error ? err.message : err).slice(0, 500);
      for (const listener of deadLetterListeners) {
        try {
          listener(sub.consumer, JSON.parse(delivery.body) as EventEnvelope, message);
        } catch (error) {
          report(error, 'dead-letter listener failed');
        }
      }
      return;
    }
    const delay = sub.retryDelayMs * 2 ** (delivery.attempt - 1);
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      q.pending.push({ body: delivery.body, attempt: delivery.attempt + 1 });
      schedule(q);
    }, delay);
    retryTimers.add(timer);
  };

  const assertOpen = (): void => {
    if (closed) throw new Error('message bus is closed');
  };

  return {
    kind: 'memory',

    onDeadLetter(listener) {
      deadLetterListeners.add(listener);
    },

    async publish(event) {
      assertOpen();
      const body = JSON.stringify(event);
      for (const q of queues.values()) {
        if (!q.types.has(event.type)) continue;
        q.pending.push({ body, attempt: 1 });
        schedule(q);
      }
    },

    async subscribe(
      consumer,
      types,
      handler,
      options: SubscribeOptions = {},
    ): Promise<Subscription> {
      assertOpen();
      assertBindableTypes(types);
      const q = queueFor(consumer);
      // Bindings outlive a subscription, as they do on a durable queue.
      for (const type of types) q.types.add(type);
      const sub: Sub = {
        consumer,
        handler,
        maxAttempts: Math.max(1, options.maxAttempts ?? 5),
        retryDelayMs: options.retryDelayMs ?? 1000,
        inflight: 0,
      };
      q.subs.push(sub);
      schedule(q);
      return {
        async close() {
          const idx = q.subs.indexOf(sub);
          if (idx >= 0) q.subs.splice(idx, 1);
          while (sub.inflight > 0) await Promise.allSettled([...inflight]);
        },
      };
    },

    async deadLetters(consumer) {
      return (queues.get(consumer)?.dead ?? []).map((body) => JSON.parse(body) as EventEnvelope);
    },

    async ping() {
      assertOpen();
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
