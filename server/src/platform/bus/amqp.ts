import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { browseDeadLetters } from './amqp-dead-letters.js';
import { assertBindableTypes } from './memory.js';
import type {
  DeadLetterListener,
  EventEnvelope,
  EventHandler,
  MessageBus,
  Subscription,
} from './port.js';

export interface AmqpBusOptions {
  /** Topic exchange all events go through (default `store.events`). */
  exchange?: string;
  /** Prepended to every queue name, so environments or test runs can share one broker. */
  queuePrefix?: string;
  /** Connection trouble and handler failures; defaults to console.error. */
  onError?: (err: unknown, context: string) => void;
}

export interface AmqpBus extends MessageBus {
  readonly kind: 'amqp';
  /** Every queue this instance declared, so tests can delete them afterwards. */
  declaredQueues(): string[];
}

const PREFETCH = 10;
const CONNECT_TIMEOUT_MS = 2000;
const PING_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 5000;
const ATTEMPT_HEADER = 'x-attempt';
const ERROR_HEADER = 'x-last-error';

interface SubState {
  consumer: string;
  types: string[];
  handler: EventHandler;
  maxAttempts: number;
  retryDelayMs: number;
  channel: Channel | null;
  consumerTag: string | null;
  attaching: Promise<void> | null;
  inflight: Set<Promise<void>>;
  closed: boolean;
}

const noop = () => {};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Quorum queues exist from RabbitMQ 3.8; anything else (or an unknown broker) gets classic queues. */
function versionAtLeast(version: unknown, wantMajor: number, wantMinor: number): boolean {
  const [major = NaN, minor = NaN] = String(version ?? '')
    .split('.')
    .map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}
const supportsQuorum = (version: unknown) => versionAtLeast(version, 3, 8);
/** Quorum queues with a message TTL and at-least-once dead-lettering: RabbitMQ 3.10 and later. */
const supportsSafeRetries = (version: unknown) => versionAtLeast(version, 3, 10);

export async function createAmqpBus(url: string, opts: AmqpBusOptions = {}): Promise<AmqpBus> {
  const exchange = opts.exchange ?? 'store.events';
  const prefix = opts.queuePrefix ?? '';
  const report =
    opts.onError ??
    ((err: unknown, context: string) => console.error(`[amqp bus] ${context}:`, err));
  const subs = new Set<SubState>();
  const deadLetterListeners = new Set<DeadLetterListener>();
  const declared = new Set<string>();
  let conn: ChannelModel | null = null;
  let pub: ConfirmChannel | null = null;
  let quorum = false;
  let safeRetries = false;
  let closing = false;
  let connecting = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectAttempt = 0;

  const mainQueue = (consumer: string) => `${prefix}${consumer}`;
  const dlqName = (consumer: string) => `${mainQueue(consumer)}.dlq`;
  const retryQueue = (consumer: string, delayMs: number) =>
    `${mainQueue(consumer)}.retry.${delayMs}ms`;
  const retryDelay = (sub: SubState, attempt: number) => sub.retryDelayMs * 2 ** (attempt - 1);

  // A lost heartbeat is the only way to notice a silently dropped network; 10s beats the 60s default.
  const connectUrl = new URL(url);
  if (!connectUrl.searchParams.has('heartbeat')) connectUrl.searchParams.set('heartbeat', '10');

  async function open(): Promise<void> {
    connecting = true;
    let c: ChannelModel | undefined;
    try {
      c = await connect(connectUrl.toString(), { timeout: CONNECT_TIMEOUT_MS });
      const self = c;
      let lost = false;
      c.on('error', (err: Error) => report(err, 'connection error'));
      c.on('close', () => {
        lost = true;
        if (conn !== self) return;
        conn = null;
        pub = null;
        for (const sub of subs) sub.channel = null;
        scheduleReconnect();
      });
      const p = await c.createConfirmChannel();
      p.on('error', (err: Error) => report(err, 'publish channel error'));
      // The publish channel only dies on a protocol error; a fresh connection is the simplest repair.
      p.on('close', () => void (pub === p && conn === self && self.close().catch(noop)));
      await p.assertExchange(exchange, 'topic', { durable: true });
      quorum = supportsQuorum(c.connection.serverProperties.version);
      safeRetries = supportsSafeRetries(c.connection.serverProperties.version);
      conn = c;
      pub = p;
      for (const sub of subs) await attach(sub);
      if (lost) throw new Error('connection lost while setting up');
    } catch (err) {
      if (c && conn === c) [conn, pub] = [null, null];
      await c?.close().catch(noop);
      throw err;
    } finally {
      connecting = false;
    }
  }

  function scheduleReconnect(): void {
    if (closing || connecting || reconnectTimer) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 200 * 2 ** reconnectAttempt);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (closing) return;
      open().then(
        () => (reconnectAttempt = 0),
        (err: unknown) => {
          reconnectAttempt++;
          report(err, 'reconnect failed');
          scheduleReconnect();
        },
      );
    }, delay);
  }

  async function declare(ch: Channel, sub: SubState): Promise<void> {
    const q = mainQueue(sub.consumer);
    const mainArgs: Record<string, unknown> = quorum ? { 'x-queue-type': 'quorum' } : {};
    await ch.assertQueue(q, { durable: true, arguments: mainArgs });
    declared.add(q);
    for (const type of sub.types) await ch.bindQueue(q, exchange, type);
    // One retry queue per delay, each with a queue-wide TTL: with per-message expiry in a single queue
    // a short retry would wait behind a long one at its head. A message leaves it by dead-lettering
    // back to the main queue, which classic queues do at most once: a message whose time ran out
    // while the broker restarted could be dropped on the way. Quorum retry queues dead-letter at
    // least once (RabbitMQ 3.10+; the strategy needs reject-publish overflow), so none is lost.
    for (let attempt = 1; attempt < sub.maxAttempts; attempt++) {
      const delay = retryDelay(sub, attempt);
      const name = retryQueue(sub.consumer, delay);
      await ch.assertQueue(name, {
        durable: true,
        arguments: {
          'x-message-ttl': delay,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': q,
          ...(safeRetries
            ? {
                'x-queue-type': 'quorum',
                'x-dead-letter-strategy': 'at-least-once',
                'x-overflow': 'reject-publish',
              }
            : {}),
        },
      });
      declared.add(name);
    }
    // Classic, not quorum: deadLetters() browses by get-and-requeue, which quorum queues count as
    // failed deliveries (and drop past their delivery limit on RabbitMQ 4).
    await ch.assertQueue(dlqName(sub.consumer), { durable: true });
    declared.add(dlqName(sub.consumer));
  }

  function attach(sub: SubState): Promise<void> {
    sub.attaching ??= (async () => {
      const c = conn;
      if (!c || sub.closed || sub.channel) return;
      const ch = await c.createChannel();
      ch.on('error', (err: Error) => report(err, `consumer ${sub.consumer} channel error`));
      ch.on('close', () => {
        if (sub.channel !== ch) return;
        sub.channel = null;
        scheduleReattach(sub);
      });
      try {
        await declare(ch, sub);
        await ch.prefetch(PREFETCH);
        sub.channel = ch;
        const { consumerTag } = await ch.consume(mainQueue(sub.consumer), (msg) =>
          onMessage(sub, ch, msg),
        );
        sub.consumerTag = consumerTag;
      } catch (err) {
        sub.channel = null;
        await ch.close().catch(noop);
        throw err;
      }
    })().finally(() => (sub.attaching = null));
    return sub.attaching;
  }

  /** A consumer channel can die alone (e.g. its queue was deleted); connection loss is handled by open(). */
  function scheduleReattach(sub: SubState): void {
    setTimeout(() => {
      if (sub.closed || closing || !conn || sub.channel) return;
      attach(sub).catch((err: unknown) => {
        report(err, `re-subscribing ${sub.consumer}`);
        scheduleReattach(sub);
      });
    }, 1000).unref();
  }

  function onMessage(sub: SubState, ch: Channel, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled the consumer; start over on a fresh channel.
      if (sub.channel === ch) ch.close().catch(noop);
      return;
    }
    const task: Promise<void> = handle(sub, ch, msg)
      .catch((err: unknown) => report(err, `consumer ${sub.consumer}`))
      .finally(() => sub.inflight.delete(task));
    sub.inflight.add(task);
  }

  async function handle(sub: SubState, ch: Channel, msg: ConsumeMessage): Promise<void> {
    const attempt = Number(msg.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1;
    let failure: unknown;
    try {
      const event = JSON.parse(msg.content.toString('utf8')) as EventEnvelope;
      await sub.handler(event, { attempt, maxAttempts: sub.maxAttempts });
      ch.ack(msg);
      return;
    } catch (err) {
      failure = err;
    }
    report(failure, `handler ${sub.consumer} failed (attempt ${attempt}/${sub.maxAttempts})`);
    const target =
      attempt >= sub.maxAttempts
        ? dlqName(sub.consumer)
        : retryQueue(sub.consumer, retryDelay(sub, attempt));
    // Ack only after the broker confirmed the copy; if anything fails first, the unacked original is
    // redelivered when the channel goes away, so the message is never lost (at worst handled twice).
    await forward(msg, target, attempt + 1, failure);
    ch.ack(msg);
    if (target === dlqName(sub.consumer)) tellDeadLetter(sub.consumer, msg, failure);
  }

  function tellDeadLetter(consumer: string, msg: ConsumeMessage, failure: unknown): void {
    let event: EventEnvelope;
    try {
      event = JSON.parse(msg.content.toString('utf8')) as EventEnvelope;
    } catch {
      return; // an unparseable body is in the queue for an operator; there is no event to name
    }
    const message = String(failure instanceof Error ? failure.message : failure).slice(0, 500);
    for (const listener of deadLetterListeners) {
      try {
        listener(consumer, event, message);
      } catch (error) {
        report(error, 'dead-letter listener failed');
      }
    }
  }

  async function forward(
    msg: ConsumeMessage,
    queue: string,
    nextAttempt: number,
    failure: unknown,
  ): Promise<void> {
    // x-death & co. are the broker's dead-lettering history; copying them back would grow them on every retry.
    const kept = Object.entries(msg.properties.headers ?? {}).filter(
      ([k]) => !/^x-(first-|last-)?death/.test(k),
    );
    const headers = Object.fromEntries(kept);
    headers[ATTEMPT_HEADER] = nextAttempt;
    headers[ERROR_HEADER] = String(failure instanceof Error ? failure.message : failure).slice(
      0,
      500,
    );
    const { messageId, type, contentType, timestamp } = msg.properties;
    await confirmPublish('', queue, msg.content, {
      messageId,
      type,
      contentType,
      timestamp,
      headers,
    });
  }

  function confirmPublish(
    ex: string,
    key: string,
    body: Buffer,
    props: Options.Publish,
  ): Promise<void> {
    const ch = pub;
    if (!ch) return Promise.reject(new Error('AMQP connection is down'));
    return new Promise<void>((resolve, reject) => {
      ch.publish(ex, key, body, { ...props, persistent: true }, (err: unknown) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  async function closeSub(sub: SubState): Promise<void> {
    sub.closed = true;
    subs.delete(sub);
    await sub.attaching?.catch(noop);
    const ch = sub.channel;
    if (ch && sub.consumerTag) await ch.cancel(sub.consumerTag).catch(noop);
    // The channel stays open until in-flight handlers have acked on it.
    while (sub.inflight.size > 0) await Promise.allSettled([...sub.inflight]);
    sub.channel = null;
    if (ch) await ch.close().catch(noop);
  }

  await open();

  return {
    kind: 'amqp',

    declaredQueues: () => [...declared],

    onDeadLetter(listener) {
      deadLetterListeners.add(listener);
    },

    async publish(event) {
      if (closing) throw new Error('message bus is closed');
      await confirmPublish(exchange, event.type, Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
      });
    },

    async subscribe(consumer, types, handler, options = {}): Promise<Subscription> {
      if (closing) throw new Error('message bus is closed');
      assertBindableTypes(types);
      const sub: SubState = {
        consumer,
        types: [...types],
        handler,
        maxAttempts: Math.max(1, options.maxAttempts ?? 5),
        retryDelayMs: options.retryDelayMs ?? 1000,
        channel: null,
        consumerTag: null,
        attaching: null,
        inflight: new Set(),
        closed: false,
      };
      if (!conn) throw new Error('AMQP connection is down');
      subs.add(sub);
      try {
        await attach(sub);
      } catch (err) {
        subs.delete(sub);
        throw err;
      }
      return { close: () => closeSub(sub) };
    },

    async deadLetters(consumer) {
      if (!conn) throw new Error('AMQP connection is down');
      return browseDeadLetters(conn, dlqName(consumer), report);
    },

    async ping() {
      const ch = pub;
      if (!conn || !ch) throw new Error('AMQP connection is down');
      await withTimeout(ch.checkExchange(exchange), PING_TIMEOUT_MS, 'AMQP ping');
    },

    async close() {
      if (closing) return;
      closing = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await Promise.all([...subs].map(closeSub));
      const c = conn;
      [conn, pub] = [null, null];
      // Closing the connection closes the publish channel too; a publish still awaiting its confirm rejects.
      await c?.close().catch(noop);
    },
  };
}
