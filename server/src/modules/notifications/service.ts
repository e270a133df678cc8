import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { Forbidden, NotFound, Unauthenticated } from '../../platform/errors.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';
import type { Delivery } from './delivery.js';
import type { Mailer } from './mailer.js';
import type { NotificationStatus } from './tables.js';

interface NotificationRow {
  id: string;
  to: string;
  template: string;
  subject: string;
  status: NotificationStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date | string;
  sent_at: Date | string | null;
}

interface DetailRow extends NotificationRow {
  event_id: string;
  provider_message_id: string | null;
  body_html: string;
  body_text: string;
}

export interface NotificationFilter {
  to?: string | undefined;
  template?: string | undefined;
  status?: NotificationStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

const toItem = (row: NotificationRow) => ({
  id: row.id,
  to: row.to,
  template: row.template,
  subject: row.subject,
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error,
  createdAt: new Date(row.created_at).toISOString(),
  sentAt: iso(row.sent_at),
});

const listColumns = sql`id, "to", template, subject, status, attempts, last_error, created_at, sent_at`;

/** The store team's view of every email; routes already require an admin, this checks again. */
function assertAdmin(ctx: Context) {
  if (!ctx.actor) throw new Unauthenticated();
  if (ctx.actor.role !== 'admin') throw new Forbidden();
}

export function createNotificationService(deps: { db: Db; mailer: Mailer; delivery: Delivery }) {
  const { db } = deps;
  return {
    /** Which adapter sends: `dev` records emails without sending them. */
    mailer: deps.mailer,
    delivery: deps.delivery,

    /** Newest first, by recipient (any case), template and status; keyset paging on the id. */
    async list(ctx: Context, filter: NotificationFilter) {
      assertAdmin(ctx);
      const where: SQL[] = [];
      if (filter.to) where.push(sql`lower("to") = ${filter.to.toLowerCase()}`);
      if (filter.template) where.push(sql`template = ${filter.template}`);
      if (filter.status) where.push(sql`status = ${filter.status}`);
      if (filter.cursor) where.push(sql`id < ${decodeIdCursor(filter.cursor)}::uuid`);
      const rows = await queryRows<NotificationRow>(
        ctx.tx ?? db,
        sql`SELECT ${listColumns} FROM notifications
            ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
            ORDER BY id DESC LIMIT ${filter.limit + 1}`,
      );
      const page = pageOf(rows, filter.limit);
      return { items: page.items.map(toItem), nextCursor: page.nextCursor };
    },

    /** One email as it was rendered, with what identifies it to the event and the mail server. */
    async get(ctx: Context, id: string) {
      assertAdmin(ctx);
      const [row] = await queryRows<DetailRow>(
        ctx.tx ?? db,
        sql`SELECT ${listColumns}, event_id, provider_message_id, body_html, body_text
            FROM notifications WHERE id = ${id}::uuid`,
      );
      if (!row) throw new NotFound('No such notification.');
      return {
        ...toItem(row),
        eventId: row.event_id,
        providerMessageId: row.provider_message_id,
        html: row.body_html,
        text: row.body_text,
      };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
