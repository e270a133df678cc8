import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Db, type Queryable } from '../db/index.js';
import type { EventType } from './events.js';
import type { EventEnvelope, MessageBus } from './port.js';
import { outbox } from './tables.js';

/**
 * Record an event in the outbox. Call it with the transaction that makes the change, so the event
 * exists if and only if the change committed. Only a defined event type is accepted, and its data is
 * checked against the type's schema here, so a malformed event fails the change that would emit it
 * instead of every consumer that would read it.
 */
export async function writeEvent<Data>(
  tx: Queryable,
  event: EventType<string, Data>,
  data: Data,
): Promise<string> {
  const id = randomUUID();
  const payload = event.schema.parse(data);
  await tx.insert(outbox).values({ id, type: event.name, version: event.version, payload });
  return id;
}

/**
 * An event as a row to insert, checked against its schema, for a statement that writes it together
 * with the change it announces (one round trip instead of two). Same guarantees as `writeEvent`.
 */
export function outboxRow<Data>(event: EventType<string, Data>, data: Data) {
  return {
    id: randomUUID(),
    type: event.name,
    version: event.version,
    payload: JSON.stringify(event.schema.parse(data)),
  };
}

export interface OutboxRelayOptions {
  db: Db;
  bus: MessageBus;
  logger: Logger;
  batchSize?: number;
  /** How often to look for new rows when idle. */
  intervalMs?: number;
}

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  payload: unknown;
  occurred_at: Date | string;
}

/**
 * Publishes outbox rows to the bus. A batch is claimed with FOR UPDATE SKIP LOCKED, so several relays
 * (one per worker) never send the same row at once; rows are marked sent only after the broker
 * confirmed them. A crash between the two sends a row again: delivery is at-least-once, and consumers
 * de-duplicate on the envelope id.
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const { db, bus, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const intervalMs = options.intervalMs ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function relayBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const rows = await queryRows<OutboxRow>(
        tx,
        sql`
        SELECT id, type, version, payload, occurred_at FROM outbox
        WHERE published_at IS NULL
        ORDER BY occurred_at, id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`,
      );
      const sent: string[] = [];
      for (const row of rows) {
        const envelope: EventEnvelope = {
          id: row.id,
          type: row.type,
          version: row.version,
          occurredAt: new Date(row.occurred_at).toISOString(),
          data: row.payload,
        };
        try {
          await bus.publish(envelope);
          sent.push(row.id);
        } catch (error) {
          logger.warn({ err: error, eventId: row.id }, 'outbox publish failed; will retry');
          await tx.execute(
            sql`UPDATE outbox SET attempts = attempts + 1, last_error = ${String(error)} WHERE id = ${row.id}`,
          );
          break;
        }
      }
      if (sent.length > 0) {
        await tx.execute(sql`
          UPDATE outbox SET published_at = now(), attempts = attempts + 1
          WHERE id IN (${sql.join(
            sent.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`);
      }
      return sent.length;
    });
  }

  /** Relay until the outbox is empty (or a publish fails); returns how many events were sent. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await relayBatch();
      total += sent;
      if (sent < batchSize) return total;
    }
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain();
      running
        .catch((error: unknown) => logger.error({ err: error }, 'outbox relay failed'))
        .finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
    }, delay);
    timer.unref();
  }

  return {
    drain,
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
