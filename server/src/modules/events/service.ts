import { sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/record.js';
import { inTransaction, type Context } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import type { EventEnvelope } from '../../platform/bus/port.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';

/**
 * The outbox as an operator sees it: what was published, what waits, what failed for good, and a
 * replay that sends an event again. Consumers record each message id in their inbox, so a replayed
 * event is applied by the consumers that never applied it (it was dead-lettered) and by no other.
 */
export type EventState = 'pending' | 'published' | 'failed';

interface EventRow {
  id: string;
  type: string;
  version: number;
  payload: unknown;
  occurred_at: Date | string;
  published_at: Date | string | null;
  failed_at: Date | string | null;
  next_attempt_at: Date | string;
  attempts: number;
  last_error: string | null;
}

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

const toEvent = (row: EventRow) => ({
  id: row.id,
  type: row.type,
  version: row.version,
  data: row.payload,
  state: (row.published_at ? 'published' : row.failed_at ? 'failed' : 'pending') as EventState,
  occurredAt: iso(row.occurred_at) as string,
  publishedAt: iso(row.published_at),
  failedAt: iso(row.failed_at),
  nextAttemptAt: row.published_at || row.failed_at ? null : iso(row.next_attempt_at),
  attempts: row.attempts,
  lastError: row.last_error,
});

const stateFilter: Record<EventState, SQL> = {
  pending: sql`published_at IS NULL AND failed_at IS NULL`,
  published: sql`published_at IS NOT NULL`,
  failed: sql`failed_at IS NOT NULL AND published_at IS NULL`,
};

interface DeadRow {
  consumer: string;
  event_id: string;
  type: string;
  version: number;
  payload: unknown;
  error: string;
  dead_at: Date | string;
  dead_key: string;
}

function decodeDeadCursor(cursor: string) {
  try {
    const [at, consumer, eventId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as [string, string, string];
    if (
      typeof consumer === 'string' &&
      /^[0-9a-f-]{36}$/.test(eventId) &&
      typeof at === 'string' &&
      /^\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}(:\d{2})?$/.test(at)
    ) {
      return { at, consumer, eventId };
    }
  } catch {
    // fall through to the same answer as any other bad cursor
  }
  throw new ValidationFailed([
    { path: 'query.cursor', message: 'is not a cursor for this listing' },
  ]);
}

/** Seconds the oldest due event may wait before the relay counts as stalled. */
export const relayStallSeconds = 60;

export function createEventLog(deps: { db: Db }) {
  const { db } = deps;

  return {
    async list(
      ctx: Context,
      query: {
        type?: string | undefined;
        state?: EventState | undefined;
        limit: number;
        cursor?: string | undefined;
      },
    ) {
      const after = query.cursor ? decodeIdCursor(query.cursor) : undefined;
      const where: SQL[] = [];
      if (query.type) where.push(sql`type = ${query.type}`);
      if (query.state) where.push(stateFilter[query.state]);
      if (after) where.push(sql`id < ${after}::uuid`);
      const rows = await queryRows<EventRow>(
        ctx.tx ?? db,
        sql`SELECT * FROM outbox ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
            ORDER BY id DESC LIMIT ${query.limit + 1}`,
      );
      const page = pageOf(rows, query.limit);
      return { items: page.items.map(toEvent), nextCursor: page.nextCursor };
    },

    /**
     * Send an event again, now, with its own id: consumers' inboxes keep it from applying twice, and
     * its dead letters count as handled.
     */
    async replay(ctx: Context, id: string) {
      return inTransaction(db, ctx, async (tx) => {
        const [row] = await queryRows<EventRow>(
          tx.tx,
          sql`WITH handled AS (
              UPDATE dead_letters SET replayed_at = now()
              WHERE event_id = ${id}::uuid AND replayed_at IS NULL
            )
            UPDATE outbox SET published_at = NULL, failed_at = NULL, attempts = 0, last_error = NULL,
                              next_attempt_at = now()
            WHERE id = ${id}::uuid RETURNING *`,
        );
        if (!row) throw new NotFound('No such event.');
        await recordAudit(tx, {
          action: 'event.replay',
          target: `event:${id}`,
          after: { type: row.type },
        });
        return toEvent(row);
      });
    },

    /** Record a message a consumer gave up on (called in the worker that dead-lettered it). */
    async recordDeadLetter(
      ctx: Context,
      letter: { consumer: string; event: EventEnvelope; error: string },
    ): Promise<void> {
      await (ctx.tx ?? db).execute(sql`
        INSERT INTO dead_letters (consumer, event_id, type, version, payload, error)
        VALUES (${letter.consumer}, ${letter.event.id}::uuid, ${letter.event.type},
                ${letter.event.version}, ${JSON.stringify(letter.event.data ?? null)}::jsonb,
                ${letter.error})
        ON CONFLICT (consumer, event_id)
        DO UPDATE SET error = EXCLUDED.error, dead_at = now(), replayed_at = NULL`);
    },

    /** Messages consumers gave up on and nobody has replayed yet, newest first. */
    async deadLetters(
      ctx: Context,
      query: { consumer?: string | undefined; limit: number; cursor?: string | undefined },
    ) {
      const after = query.cursor ? decodeDeadCursor(query.cursor) : undefined;
      const rows = await queryRows<DeadRow>(
        ctx.tx ?? db,
        // The cursor keeps dead_at to the microsecond (as text): a millisecond could skip rows.
        sql`SELECT *, dead_at::text AS dead_key FROM dead_letters
            WHERE replayed_at IS NULL
              ${query.consumer ? sql`AND consumer = ${query.consumer}` : sql``}
              ${after ? sql`AND (dead_at, consumer, event_id) < (${after.at}::timestamptz, ${after.consumer}, ${after.eventId}::uuid)` : sql``}
            ORDER BY dead_at DESC, consumer DESC, event_id DESC LIMIT ${query.limit + 1}`,
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          consumer: row.consumer,
          eventId: row.event_id,
          type: row.type,
          version: row.version,
          data: row.payload,
          error: row.error,
          deadAt: iso(row.dead_at) as string,
        })),
        nextCursor:
          rows.length > query.limit && last
            ? Buffer.from(JSON.stringify([last.dead_key, last.consumer, last.event_id])).toString(
                'base64url',
              )
            : null,
      };
    },

    /** Backlog, how long the oldest due event has waited, failures, and recent publish latency. */
    async health(ctx: Context) {
      const [row] = await queryRows<{
        backlog: number;
        oldest_due_seconds: number | null;
        failed: number;
        p50: number | null;
        p99: number | null;
      }>(
        ctx.tx ?? db,
        sql`SELECT
              (SELECT count(*)::int FROM outbox WHERE published_at IS NULL AND failed_at IS NULL) AS backlog,
              (SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 FROM outbox
                 WHERE published_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()) AS oldest_due_seconds,
              (SELECT count(*)::int FROM outbox WHERE failed_at IS NOT NULL AND published_at IS NULL) AS failed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - occurred_at))::float8 AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - occurred_at))::float8 AS p99
            FROM outbox WHERE published_at > now() - interval '5 minutes'`,
      );
      return {
        backlog: row?.backlog ?? 0,
        oldestDueSeconds: row?.oldest_due_seconds ?? 0,
        failed: row?.failed ?? 0,
        publishLatencySeconds: { p50: row?.p50 ?? null, p99: row?.p99 ?? null },
      };
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
