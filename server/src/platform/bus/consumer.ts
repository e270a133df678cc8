import { sql } from 'drizzle-orm';
import { inTransaction, type TxContext } from '../context.js';
import { queryRows, type Db } from '../db/index.js';
import type { EventType } from './events.js';
import type { EventEnvelope, MessageBus, SubscribeOptions, Subscription } from './port.js';

/** A message this consumer's handler receives: the envelope and its data, parsed by the event's schema. */
export interface Delivery<Data> {
  envelope: EventEnvelope;
  data: Data;
}

/** A message of a consumer with an inbox: also the transaction that records it, which its effect joins. */
export interface DeliveryOnce<Data> extends Delivery<Data> {
  ctx: TxContext;
}

export interface ConsumerSpec<Data> extends SubscribeOptions {
  /**
   * The consumer's name, which is its queue: every name receives each event it takes, while
   * processes consuming under one name share its messages, each message handled by one of them.
   */
  name: string;
  /** The events it takes; each message's data is parsed by its own event's schema. */
  events: EventType<string, Data>[];
  /**
   * Once-only effects, for a consumer whose effect lives in this database: the message id is
   * recorded in the inbox in the same transaction as the effect, so a redelivered message (the bus
   * delivers at least once) changes nothing. The handler gets a system context holding that
   * transaction: the services it calls join it. Without it the handler runs on every delivery, for
   * effects harmless to repeat (retiring a cache) or kept once by their own record.
   */
  inbox?: Db;
}

/** The one way a module consumes events: typed, parsed, and with an inbox when asked for one. */
export function consume<Data>(
  bus: MessageBus,
  spec: ConsumerSpec<Data> & { inbox: Db },
  handler: (delivery: DeliveryOnce<Data>) => Promise<void>,
): Promise<Subscription>;
export function consume<Data>(
  bus: MessageBus,
  spec: ConsumerSpec<Data> & { inbox?: undefined },
  handler: (delivery: Delivery<Data>) => Promise<void>,
): Promise<Subscription>;
export function consume<Data>(
  bus: MessageBus,
  spec: ConsumerSpec<Data>,
  handler:
    | ((delivery: DeliveryOnce<Data>) => Promise<void>)
    | ((delivery: Delivery<Data>) => Promise<void>),
): Promise<Subscription> {
  const { name, events, inbox, ...options } = spec;
  const byName = new Map(events.map((event) => [event.name, event]));
  const parse = (envelope: EventEnvelope): Data => {
    const event = byName.get(envelope.type);
    if (!event) throw new Error(`${name} does not handle ${envelope.type}`);
    return event.parse(envelope);
  };
  return bus.subscribe(
    name,
    [...byName.keys()],
    inbox
      ? (envelope) =>
          inTransaction(inbox, { actor: null }, async (ctx) => {
            const data = parse(envelope);
            const recorded = await queryRows(
              ctx.tx,
              sql`
              INSERT INTO inbox (consumer, message_id) VALUES (${name}, ${envelope.id}::uuid)
              ON CONFLICT DO NOTHING RETURNING message_id`,
            );
            if (recorded.length === 0) return;
            await handler({ envelope, data, ctx });
          })
      : // Without an inbox the overloads allow only a handler that takes no transaction.
        (envelope) =>
          (handler as (delivery: Delivery<Data>) => Promise<void>)({
            envelope,
            data: parse(envelope),
          }),
    options,
  );
}
