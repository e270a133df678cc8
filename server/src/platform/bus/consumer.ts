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

/**
 * Subscribe a consumer whose effect lives in the database. The message id is recorded in the inbox in
 * the same transaction as the effect, so a redelivered message (at-least-once delivery) changes
 * nothing. The handler gets a system context holding that transaction: the services it calls join it.
 */
export function consumeOnce<Data>(
  deps: { db: Db; bus: MessageBus },
  consumer: string,
  events: EventType<string, Data>[],
  handler: (ctx: TxContext, delivery: Delivery<Data>) => Promise<void>,
  options?: SubscribeOptions,
): Promise<Subscription> {
  const byName = new Map(events.map((event) => [event.name, event]));
  return deps.bus.subscribe(
    consumer,
    [...byName.keys()],
    (envelope) =>
      inTransaction(deps.db, { actor: null }, async (ctx) => {
        const event = byName.get(envelope.type);
        if (!event) throw new Error(`${consumer} does not handle ${envelope.type}`);
        const data = event.parse(envelope);
        const recorded = await queryRows(
          ctx.tx,
          sql`
          INSERT INTO inbox (consumer, message_id) VALUES (${consumer}, ${envelope.id}::uuid)
          ON CONFLICT DO NOTHING RETURNING message_id`,
        );
        if (recorded.length === 0) return;
        await handler(ctx, { envelope, data });
      }),
    options,
  );
}

/** Subscribe a consumer whose effect is harmless to repeat (retiring a cache, say): no inbox. */
export function consume<Data>(
  bus: MessageBus,
  consumer: string,
  events: EventType<string, Data>[],
  handler: (delivery: Delivery<Data>) => Promise<void>,
  options?: SubscribeOptions,
): Promise<Subscription> {
  const byName = new Map(events.map((event) => [event.name, event]));
  return bus.subscribe(
    consumer,
    [...byName.keys()],
    async (envelope) => {
      const event = byName.get(envelope.type);
      if (!event) throw new Error(`${consumer} does not handle ${envelope.type}`);
      await handler({ envelope, data: event.parse(envelope) });
    },
    options,
  );
}
