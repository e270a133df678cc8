import { sql } from 'drizzle-orm';
import {
  char,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, id, sqlList, timestamps } from '../../platform/db/columns.js';
import { orders } from '../orders/tables.js';
import { disputeStatuses, paymentStatuses, refundStatuses } from './statuses.js';

/** The order a payment, refund or dispute belongs to (and goes with). */
const orderOf = () =>
  uuid('order_id')
    .notNull()
    .references(() => orders.id, { onDelete: 'cascade' });

/** The payment a refund or dispute is about. */
const paymentOf = () =>
  uuid('payment_id')
    .notNull()
    .references(() => payments.id, { onDelete: 'cascade' });

/**
 * An order's payment: the provider's intent for the order's total, and what became of it. Written
 * with the order at checkout (status `pending`, no intent yet); the intent is asked of the provider
 * after the order commits, so no transaction waits on the provider.
 */
export const payments = pgTable(
  'payments',
  {
    id: id(),
    orderId: orderOf(),
    provider: text('provider').notNull(),
    status: text('status', { enum: paymentStatuses }).notNull(),
    amount: integer('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** Handed to the shopper's browser to confirm the intent with the provider. */
    clientSecret: text('client_secret'),
    /** The provider's id of the intent. */
    providerReference: text('provider_reference'),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    /**
     * All the provider says has gone back on this payment (its latest charge.refunded), including
     * refunds made outside the store; what the store has not recorded is recorded from it.
     */
    providerAmountRefunded: integer('provider_amount_refunded').notNull().default(0),
    /** As the provider describes it: "Visa ending in 4242". */
    paymentMethod: text('payment_method'),
    /** The last decline, while the order can still be paid with another card. */
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    paidAt: at('paid_at'),
    ...timestamps,
  },
  (t) => [
    index('payments_order_idx').on(t.orderId),
    uniqueIndex('payments_provider_reference_key')
      .on(t.provider, t.providerReference)
      .where(sql`${t.providerReference} IS NOT NULL`),
    // Unqualified as first migrated: the same text spares a migration that re-checks every payment.
    check('payments_status_check', sql`status IN ${sqlList(paymentStatuses)}`),
    check('payments_refunded_check', sql`${t.amountRefunded} BETWEEN 0 AND ${t.amount}`),
  ],
);

/**
 * Every provider event the store has accepted, once: the webhook inserts here and writes its bus
 * event in the same transaction, so a provider retrying a webhook ten times has one effect.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    orderId: uuid('order_id'),
    providerReference: text('provider_reference'),
    payload: jsonb('payload').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.eventId] }),
    index('payment_events_order_idx').on(t.orderId, t.receivedAt),
  ],
);

/**
 * Money going back to a buyer. Recorded (status `pending`) in the transaction that decides it, with
 * its `order_refunded` event; the provider is asked afterwards, with the refund's id as the
 * idempotency key, so a retry never refunds twice. Only the provider's answer settles it:
 * `succeeded` (the payment's `amount_refunded` grows, the order moves) or `failed` (refused for
 * good, with the provider's reason; nothing else changes). A pending refund holds its amount, so
 * two refunds never ask for the same money.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey(),
    orderId: orderOf(),
    paymentId: paymentOf(),
    amount: integer('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: text('status', { enum: refundStatuses }).notNull(),
    reason: text('reason').notNull(),
    providerReference: text('provider_reference'),
    attempts: integer('attempts').notNull().default(0),
    /** The last temporary failure (the provider unreachable): the refund is tried again. */
    lastError: text('last_error'),
    /** Why the provider refused it for good (status `failed`), in the provider's words. */
    failureReason: text('failure_reason'),
    ...timestamps,
  },
  (t) => [
    index('refunds_order_idx').on(t.orderId, t.createdAt),
    index('refunds_pending_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'pending'`),
    check('refunds_amount_check', sql`${t.amount} > 0`),
    check('refunds_status_check', sql`${t.status} IN ${sqlList(refundStatuses)}`),
  ],
);

/**
 * A payment the buyer's bank disputes (a chargeback), as the provider reports it: opened, then
 * settled (won, lost, or closed without becoming a dispute). One row per provider dispute, updated
 * by each of its events.
 */
export const disputes = pgTable(
  'disputes',
  {
    id: id(),
    orderId: orderOf(),
    paymentId: paymentOf(),
    provider: text('provider').notNull(),
    /** The provider's id of the dispute. */
    providerReference: text('provider_reference').notNull(),
    amount: integer('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: disputeStatuses }).notNull(),
    closedAt: at('closed_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('disputes_provider_reference_key').on(t.provider, t.providerReference),
    index('disputes_order_idx').on(t.orderId, t.createdAt),
    check('disputes_status_check', sql`status IN ${sqlList(disputeStatuses)}`),
  ],
);
