import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { NotFound } from '../../platform/errors.js';
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

    /** Send an event again, now, with its own id (consumers' inboxes keep it from applying twice). */
    async replay(ctx: Context, id: string) {
      const [row] = await queryRows<EventRow>(
        ctx.tx ?? db,
        sql`UPDATE outbox SET published_at = NULL, failed_at = NULL, attempts = 0, last_error = NULL,
                              next_attempt_at = now()
            WHERE id = ${id}::uuid RETURNING *`,
      );
      if (!row) throw new NotFound('No such event.');
      return toEvent(row);
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
