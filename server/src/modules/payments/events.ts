import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';
import { moneyData as money } from '../../platform/money.js';
import { disputeStatuses } from './statuses.js';

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
  {
    written: 'the provider collected a payment (its webhook, recorded once)',
    consumedBy: 'orders (paid, the stock committed, a receipt; a late or wrong amount is refunded)',
  },
);

/** The provider declined a payment attempt; the order stays payable until it expires. */
export const paymentFailed = defineEvent(
  'payment_failed',
  1,
  z.object({ ...fromProvider, failureCode: z.string(), failureMessage: z.string() }),
  {
    written: 'the provider declined a payment attempt',
    consumedBy: 'orders (noted; the order stays payable, the shopper is told)',
  },
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
  {
    written: 'a signed provider event about an intent the store did not create',
    consumedBy: 'none (listed for the store team among the events)',
  },
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
  {
    written: 'the provider made a refund',
    consumedBy: 'orders (refunded or partially refunded; the shopper is told)',
  },
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
  {
    written: 'the provider refused a refund for good',
    consumedBy: 'orders (noted; the store team is told)',
  },
);

/**
 * The provider has the payment under way, not yet settled (a bank debit, say). The orders module
 * marks the payment processing; the order stays awaiting payment.
 */
export const paymentProcessing = defineEvent('payment_processing', 1, z.object(fromProvider), {
  written: 'the provider has the payment under way (a bank debit, say)',
  consumedBy: 'orders (the payment processing; the order is not expired meanwhile)',
});

/**
 * The intent was cancelled at the provider and will never be paid. The orders module cancels an
 * order still awaiting it and gives its stock back, as the expiry would; otherwise nothing changes.
 */
export const paymentCanceled = defineEvent(
  'payment_canceled',
  1,
  z.object({ ...fromProvider, cancellationReason: z.string().nullable() }),
  {
    written: 'the intent was cancelled at the provider',
    consumedBy: 'orders (cancels an order still awaiting it)',
  },
);

/**
 * The buyer's bank disputes a payment (a chargeback), or a dispute was settled. Recorded by the
 * payments module (`disputes`); the orders module notes it on the timeline and tells the store team.
 */
export const paymentDisputed = defineEvent(
  'payment_disputed',
  1,
  z.object({
    ...fromProvider,
    disputeId: z.string(),
    reason: z.string(),
    status: z.enum(disputeStatuses),
    /** The first event about this dispute (it was opened), rather than a change of it. */
    opened: z.boolean(),
  }),
  {
    written: 'a chargeback was opened, or a dispute changed or settled',
    consumedBy: 'orders (noted on the timeline; the store team is told)',
  },
);
