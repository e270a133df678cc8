import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../db/index.js';
import type { EventEnvelope, MessageBus, SubscribeOptions, Subscription } from './port.js';

/**
 * Subscribe a consumer whose effect lives in the database. The message id is recorded in the inbox in
 * the same transaction as the effect, so a redelivered message (at-least-once delivery) changes nothing.
 */
export function consumeOnce(
  deps: { db: Db; bus: MessageBus },
  consumer: string,
  types: string[],
  handler: (tx: Tx, event: EventEnvelope) => Promise<void>,
  options?: SubscribeOptions,
): Promise<Subscription> {
  return deps.bus.subscribe(
    consumer,
    types,
    (event) =>
      deps.db.transaction(async (tx) => {
        const recorded = await queryRows(
          tx,
          sql`
          INSERT INTO inbox (consumer, message_id) VALUES (${consumer}, ${event.id}::uuid)
          ON CONFLICT DO NOTHING RETURNING message_id`,
        );
        if (recorded.length === 0) return;
        await handler(tx, event);
      }),
    options,
  );
}
