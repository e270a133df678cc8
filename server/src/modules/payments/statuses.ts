/**
 * The states of a payment, a refund and a dispute, each written once: the code's types are derived
 * from these lists, and so are the tables' CHECK constraints.
 */

export const paymentStatuses = [
  'pending',
  'failed',
  /** The provider has it under way (a bank debit, say); the order waits for the outcome. */
  'processing',
  'succeeded',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const refundStatuses = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

export const disputeStatuses = ['open', 'won', 'lost', 'closed'] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];
