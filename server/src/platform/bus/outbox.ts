import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Db, type Queryable } from '../db/index.js';
import type { EventType } from './events.js';
import type { BusMetrics } from './metrics.js';
import type { MessageBus } from './port.js';
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
  /** How often to look for due rows when no notification came (a fallback: NOTIFY wakes it at once). */
  pollMs?: number;
  /** Tries before a row is marked failed and left for an operator (`/admin/events`). */
  maxAttempts?: number;
  /** Wait before try n+1 after n failures; default 0.5 s doubling up to 5 minutes. */
  backoffMs?: (failures: number) => number;
  /** Subscribe to the outbox's NOTIFY channel (see `Database.listen`); without it, the relay polls. */
  listen?: (onNotify: () => void) => Promise<() => Promise<void>>;
  metrics?: BusMetrics;
}

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  payload: unknown;
  occurred_at: Date | string;
  attempts: number;
}

const defaultBackoff = (failures: number) => Math.min(300_000, 500 * 2 ** (failures - 1));

/**
 * Publishes outbox rows to the bus. A batch of due rows is claimed with FOR UPDATE SKIP LOCKED, so
 * several relays (one per worker) never send the same row at once; the batch is published in one go
 * (publisher confirms pipelined, not one round trip per message) and each row is marked sent once
 * the broker confirmed it. A row whose publish fails waits with a growing backoff and, after its last
 * try, is marked failed; the rows behind it keep flowing. A crash between publishing and marking
 * sends a row again: delivery is at-least-once, and consumers de-duplicate on the envelope id.
 * Committed events wake the relay through NOTIFY; a slow poll covers a lost notification.
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const { db, bus, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const pollMs = options.pollMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoffMs = options.backoffMs ?? defaultBackoff;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = true;
  let unlisten: (() => Promise<void>) | undefined;

  async function relayBatch(): Promise<{ sent: number; failed: number; claimed: number }> {
    return db.transaction(async (tx) => {
      const rows = await queryRows<OutboxRow>(
        tx,
        sql`
        SELECT id, type, version, payload, occurred_at, attempts FROM outbox
        WHERE published_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
        ORDER BY occurred_at, id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`,
      );
      const outcomes = await Promise.allSettled(
        rows.map((row) =>
          bus.publish({
            id: row.id,
            type: row.type,
            version: row.version,
            occurredAt: new Date(row.occurred_at).toISOString(),
            data: row.payload,
          }),
        ),
      );
      const confirmedAt = Date.now();
      const sentRows = rows.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      const sent = sentRows.map((r) => r.id);
      if (options.metrics) {
        options.metrics.published.inc(sent.length);
        options.metrics.publishFailures.inc(rows.length - sent.length);
        for (const row of sentRows) {
          const waited = (confirmedAt - new Date(row.occurred_at).getTime()) / 1000;
          options.metrics.publishLatency.observe(Math.max(0, waited));
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
      let failed = 0;
      for (const [i, row] of rows.entries()) {
        const outcome = outcomes[i];
        if (outcome?.status !== 'rejected') continue;
        failed++;
        const failures = row.attempts + 1;
        const last = failures >= maxAttempts;
        logger.warn(
          { err: outcome.reason, eventId: row.id, attempt: failures, last },
          last ? 'outbox publish failed for the last time' : 'outbox publish failed; will retry',
        );
        await tx.execute(sql`
          UPDATE outbox SET attempts = ${failures}, last_error = ${String(outcome.reason).slice(0, 1000)},
            next_attempt_at = now() + make_interval(secs => ${backoffMs(failures) / 1000}),
            failed_at = ${last ? sql`now()` : sql`NULL`}
          WHERE id = ${row.id}::uuid`);
      }
      return { sent: sent.length, failed, claimed: rows.length };
    });
  }

  /** Relay until no due row is left (rows that failed wait for their backoff); returns how many were sent. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { sent, claimed } = await relayBatch();
      total += sent;
      if (claimed < batchSize) return total;
    }
  }

  /** Drain now, or right after the drain in progress: notifications during a drain are not lost. */
  function wake() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = drain()
      .catch((error: unknown) => logger.error({ err: error }, 'outbox relay failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        } else if (!stopped) {
          timer = setTimeout(wake, pollMs);
          timer.unref();
        }
      });
  }

  return {
    drain,
    async start() {
      stopped = false;
      if (options.listen) {
        try {
          unlisten = await options.listen(wake);
        } catch (error) {
          logger.warn({ err: error }, 'outbox notifications unavailable; polling only');
        }
      }
      wake();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await unlisten?.().catch(() => {});
      unlisten = undefined;
      await running?.catch(() => {});
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
