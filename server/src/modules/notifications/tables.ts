import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, id, sqlList } from '../../platform/db/columns.js';

export const notificationStatuses = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/**
 * Every email the store sent or tried to send, one row per event, template and recipient: the row
 * is what makes delivery once per event (a redelivered event finds it), and it keeps the rendered
 * bodies for the store team and support to read.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    /** The bus envelope id of the event that asked for this email. */
    eventId: uuid('event_id').notNull(),
    to: text('to').notNull(),
    template: text('template').notNull(),
    subject: text('subject').notNull(),
    /**
     * The store's copy of the bodies: rendered without the email's secrets (a reset link, a guest's
     * order token), which go to the mail server only. See `delivery.ts`.
     */
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    /**
     * The template's data on the first try, which every retry renders again (with the secrets):
     * what was sent is what the row shows. It holds ids, never a secret. Null on rows from before it.
     */
    data: jsonb('data'),
    status: text('status', { enum: notificationStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The latest failure, kept after a later success so support can see why an email was late. */
    lastError: text('last_error'),
    /** The Message-ID the SMTP server accepted. */
    providerMessageId: text('provider_message_id'),
    /**
     * Set while one worker is sending: until it passes, another delivery of the same event waits
     * (and retries later) instead of sending a second copy. Far longer than any one send may take.
     */
    leaseUntil: at('lease_until'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (t) => [
    uniqueIndex('notifications_event_template_to_idx').on(t.eventId, t.template, t.to),
    // The admin list: newest first (UUIDv7 ids), by recipient or by status.
    index('notifications_to_idx').on(sql`lower(${t.to})`, t.id),
    index('notifications_status_idx').on(t.status, t.id),
    check('notifications_status_check', sql`${t.status} IN ${sqlList(notificationStatuses)}`),
    check('notifications_attempts_check', sql`${t.attempts} >= 0`),
  ],
);
