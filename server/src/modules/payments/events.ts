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
