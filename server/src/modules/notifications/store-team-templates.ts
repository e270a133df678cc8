import { z } from 'zod';
import { formatMoney, storeLink } from './html.js';
import { email, money, name, type RenderersOf } from './email-parts.js';

/** Emails to the store team: stock running low, a disputed payment, a refused refund. */
export const storeTeamSchemas = {
  low_stock: z.object({
    /** Variants that fell to the threshold or below, as the store team knows them. */
    items: z
      .array(
        z.object({
          sku: name,
          name,
          details: z.string().max(200).optional(),
          available: z.number().int(),
        }),
      )
      .min(1)
      .max(200),
    threshold: z.number().int().nonnegative(),
  }),
  /** To the store team: the buyer's bank disputes a payment, or the dispute was settled. */
  payment_disputed: z.object({
    order: z.object({ id: z.uuid(), number: name }),
    amount: money,
    /** The bank's reason, as the provider names it (fraudulent, product_not_received, ...). */
    reason: z.string().max(100),
    status: z.enum(['open', 'won', 'lost', 'closed']),
  }),
  /** To the store team: the provider refused a refund, so no money went back. */
  refund_failed: z.object({
    order: z.object({ id: z.uuid(), number: name }),
    amount: money,
    /** Why the refund was made: admin, cancelled, late_payment. */
    reason: z.string().max(40),
    /** The provider's reason, in its words. */
    failureReason: z.string().max(500),
  }),
};

/** Why a refund was made, in the store team's words. */
const refundCauses: Record<string, string> = {
  admin: 'a refund asked for by the store',
  cancelled: 'the paid order was cancelled',
  late_payment: 'the payment came after the order closed',
  provider: 'made in the payment provider’s dashboard',
};

export const storeTeamRenderers: RenderersOf<typeof storeTeamSchemas> = {
  low_stock: (d, brand) =>
    email(brand, {
      subject:
        d.items.length === 1
          ? `Low stock: ${d.items[0]?.sku ?? ''}`
          : `Low stock: ${d.items.length} variants`,
      title: 'Stock is running low',
      paragraphs: [
        `These variants have ${d.threshold} or fewer units left to sell (on hand, less what unpaid orders hold).`,
      ],
      table: d.items.map((item) => [
        `${item.sku} · ${item.name}${item.details ? ` (${item.details})` : ''}`,
        `${item.available} left`,
      ]),
      action: { label: 'Open the admin', url: storeLink(brand, 'admin') },
      after: [
        'You will hear again about a variant only after it has been restocked above the threshold.',
      ],
    }),

  payment_disputed: (d, brand) =>
    email(brand, {
      subject:
        d.status === 'open'
          ? `Payment for order ${d.order.number} disputed`
          : `Dispute on order ${d.order.number} ${d.status === 'closed' ? 'closed' : d.status}`,
      title: d.status === 'open' ? 'A payment is disputed' : 'A dispute was settled',
      paragraphs: [
        d.status === 'open'
          ? `The customer's bank disputes the payment of ${formatMoney(d.amount)} for order ${d.order.number} (reason: ${d.reason}). The provider has taken the amount back until the dispute is settled.`
          : `The dispute over ${formatMoney(d.amount)} for order ${d.order.number} is settled: ${
              {
                won: 'won, the money comes back to the store',
                lost: 'lost, the money stays with the customer',
                closed: 'closed without becoming a dispute',
                open: '',
              }[d.status]
            }.`,
      ],
      table: [
        ['Order', d.order.number],
        ['Amount', formatMoney(d.amount)],
        ['Reason', d.reason],
        ['Status', d.status],
      ],
      action: { label: 'Open the order', url: storeLink(brand, 'admin', 'orders', d.order.id) },
      after:
        d.status === 'open'
          ? [
              'Answer it with your evidence in the payment provider’s dashboard before its deadline.',
            ]
          : [],
    }),

  refund_failed: (d, brand) =>
    email(brand, {
      subject: `Refund for order ${d.order.number} refused`,
      title: 'A refund was refused',
      paragraphs: [
        `The payment provider refused to refund ${formatMoney(d.amount)} for order ${d.order.number}: no money went back to the customer, and they have not been told of a refund.`,
        `The provider said: ${d.failureReason}`,
      ],
      table: [
        ['Order', d.order.number],
        ['Refund of', formatMoney(d.amount)],
        ['Made because', refundCauses[d.reason] ?? d.reason],
      ],
      action: { label: 'Open the order', url: storeLink(brand, 'admin', 'orders', d.order.id) },
      after: [
        'Check the payment in the provider’s dashboard; then refund the customer from there, or ask for the refund again from the order.',
      ],
    }),
};
