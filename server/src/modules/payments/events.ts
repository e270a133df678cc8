import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';

const money = z.object({ amount: z.number().int(), currency: z.string() });

const fromProvider = {
  orderId: z.string(),
  provider: z.string(),
  /** The provider's id of the intent. */
  reference: z.string(),
  /** The provider's id of the webhook event, recorded once in `payment_events`. */
  providerEventId: z.string(),
  amount: money,
};

/** The provider collected an order's payment. The orders module marks the order paid. */
export const paymentSucceeded = defineEvent(
  'payment_success',
  1,
  z.object({ ...fromProvider, paymentMethod: z.string().nullable() }),
);

/** The provider declined a payment attempt; the order stays payable until it expires. */
export const paymentFailed = defineEvent(
  'payment_failed',
  1,
  z.object({ ...fromProvider, failureCode: z.string(), failureMessage: z.string() }),
);

/**
 * A signed provider event about an intent the store did not create: recorded and acknowledged, and
 * applied to no order (even one its metadata names). Listed for the store team among the events.
 */
export const paymentEventUnmatched = defineEvent(
  'payment_event_unmatched',
  1,
  z.object({
    provider: z.string(),
    providerEventId: z.string(),
    type: z.string(),
    reference: z.string(),
    /** The order the event's metadata claims, as sent; never trusted. */
    claimedOrderId: z.string().nullable(),
  }),
);

const refundOutcome = {
  orderId: z.string(),
  refundId: z.string(),
  amount: money,
  /** Why it was made: an admin's refund, a paid order's cancellation, a payment that came late. */
  reason: z.string(),
};

/**
 * The provider made a refund: the payment's refunded amount has grown. The orders module moves the
 * order (refunded or partially refunded) and tells the shopper.
 */
export const refundSucceeded = defineEvent(
  'refund_succeeded',
  1,
  z.object({
    ...refundOutcome,
    /** All that was paid has now gone back. */
    full: z.boolean(),
  }),
);

/**
 * The provider refused a refund for good (not an outage, which is retried): nothing went back. The
 * orders module notes it on the order's timeline and tells the store team.
 */
export const refundFailed = defineEvent(
  'refund_failed',
  1,
  z.object({
    ...refundOutcome,
    /** The provider's reason, in its words. */
    failureReason: z.string(),
  }),
);
