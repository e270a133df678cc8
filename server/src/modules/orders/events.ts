import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';
import { moneyData as money } from '../../platform/money.js';

/** An order was placed and its stock reserved; payment is due by `paymentDueAt`. */
export const orderCreated = defineEvent(
  'order_created',
  1,
  z.object({
    orderId: z.string(),
    number: z.string(),
    /** Placed in a test store: its emails say no money was taken. */
    testMode: z.boolean().optional(),
    email: z.string(),
    userId: z.string().nullable(),
    total: money,
    paymentDueAt: z.string(),
    items: z.array(
      z.object({
        variantId: z.string(),
        sku: z.string(),
        quantity: z.number().int(),
        unitPrice: z.number().int(),
      }),
    ),
  }),
  { written: 'an order is placed', consumedBy: 'notifications (order received)' },
);

/**
 * Why an order was cancelled: its customer, the store, not paid in time, or its payment cancelled
 * at the provider (the intent will never be paid).
 */
export const cancelReasons = ['customer', 'admin', 'expired', 'payment_cancelled'] as const;
export type CancelReason = (typeof cancelReasons)[number];

/** An order was cancelled: by its customer, by the store, or because it could no longer be paid. */
export const orderCancelled = defineEvent(
  'order_cancelled',
  1,
  z.object({
    orderId: z.string(),
    number: z.string(),
    email: z.string(),
    previousStatus: z.string(),
    testMode: z.boolean().optional(),
    reason: z.enum(cancelReasons),
    /** A paid order's money must go back: the payments module refunds it. */
    refundDue: z.boolean(),
  }),
  {
    written:
      'cancelled by customer, admin, expiry or the provider (its intent cancelled); `refundDue` when it was paid',
    consumedBy:
      "notifications (cancelled); orders (asks payments to cancel an unpaid order's intent)",
  },
);

export const orderFulfilled = defineEvent(
  'order_fulfilled',
  1,
  z.object({
    orderId: z.string(),
    number: z.string(),
    email: z.string(),
    carrier: z.string(),
    trackingNumber: z.string(),
    testMode: z.boolean().optional(),
  }),
  { written: 'an admin ships it', consumedBy: 'notifications (shipped, with tracking)' },
);

/**
 * Money is to go back to the buyer: an admin's refund, a paid order's cancellation, or a payment
 * that arrived for an order already cancelled. The refund is recorded, not yet made: the payments
 * module asks the provider, and its answer is `refund_succeeded` or `refund_failed`.
 */
export const orderRefunded = defineEvent(
  'order_refunded',
  1,
  z.object({
    orderId: z.string(),
    number: z.string(),
    email: z.string(),
    refundId: z.string(),
    amount: money,
    /** It asks for all that is left to refund. */
    full: z.boolean(),
    reason: z.enum(['admin', 'cancelled', 'late_payment']),
  }),
  {
    written:
      "money is to go back: an admin's refund, a paid order's cancellation, a payment that came late",
    consumedBy: 'orders (asks payments to send the refund to the provider)',
  },
);
