import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import {
  button,
  formatDateTime,
  formatMoney,
  html,
  layout,
  paragraph,
  rows,
  storeLink,
  textLayout,
  type Brand,
} from './html.js';

/**
 * Every email the store sends: a template name, the zod schema of its data, and a renderer giving a
 * subject, an HTML body and a plain-text body. Producers (this module's consumers, or any module
 * writing `send_email`) pass data; the renderer validates it, so a template never meets a field it
 * does not expect. Links are built here from PUBLIC_URL and ids, never taken from the data.
 *
 * Some links carry a secret: a password reset link, and an order link's guest access token. The
 * data holds no secret (it travels through the outbox and the bus), only the ids the brand's
 * secret makers turn into tokens. Rendered with a brand that has them, an email is what goes to the
 * mail server; rendered with `withoutSecrets(brand)`, it is the copy the store keeps, which says
 * what was sent without a link anyone could use.
 */

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const money = z.object({
  amount: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
});
const name = z.string().trim().min(1).max(200);
const orderRef = {
  orderId: z.uuid(),
  number: name,
  /** Placed in a test store: the email says no money was taken. */
  testMode: z.boolean().optional(),
};

const schemas = {
  welcome: z.object({ email: z.string().max(254), firstName: name.optional() }),
  password_reset: z.object({
    firstName: name,
    /** Names the link; the brand makes its token (`accounts/reset-links.ts`). */
    resetId: z.string().min(16).max(100),
    expiresAt: z.iso.datetime({ offset: true }),
    expiresInMinutes: z.number().int().positive(),
  }),
  order_received: z.object({
    ...orderRef,
    items: z
      .array(
        z.object({
          name,
          /** Size and colour, say. */
          details: z.string().max(200).optional(),
          quantity: z.number().int().positive(),
          lineTotal: money,
        }),
      )
      .min(1)
      .max(200),
    total: money,
    /** Unpaid orders are cancelled after this. */
    paymentDueAt: z.iso.datetime({ offset: true }).optional(),
  }),
  order_shipped: z.object({ ...orderRef, carrier: name, trackingNumber: name }),
  order_cancelled: z.object({
    ...orderRef,
    reason: z.enum(['customer', 'admin', 'expired', 'payment_cancelled']),
    /** The order was paid: its money goes back. */
    refundDue: z.boolean(),
  }),
  payment_receipt: z.object({
    ...orderRef,
    amount: money,
    paidAt: z.iso.datetime({ offset: true }),
    /** As the provider describes it, e.g. "Visa ending in 4242". */
    paymentMethod: z.string().max(100).optional(),
  }),
  payment_failed: z.object({
    ...orderRef,
    amount: money,
    /** The provider's reason in words a shopper can read, e.g. "The card was declined." */
    reason: z.string().max(300).optional(),
    /** When the unpaid order will be cancelled. */
    payBy: z.iso.datetime({ offset: true }).optional(),
  }),
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
  order_refunded: z.object({
    ...orderRef,
    amount: money,
    /** The whole order was refunded, not part of it. */
    full: z.boolean(),
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

export type TemplateName = keyof typeof schemas;
export type TemplateData<Name extends TemplateName> = z.input<(typeof schemas)[Name]>;
export const templateNames = Object.keys(schemas) as TemplateName[];

type Renderers = {
  [Name in TemplateName]: (data: z.output<(typeof schemas)[Name]>, brand: Brand) => RenderedEmail;
};

/**
 * A button, or, in the copy the store keeps of an email whose link is a secret, a note in its place
 * (`withheld`) saying what the link was for.
 */
type Action = { label: string; url: string } | { label: string; withheld: string };

/** One email from its parts; the HTML and text bodies say the same thing. */
function email(
  brand: Brand,
  parts: {
    subject: string;
    title: string;
    paragraphs: string[];
    table?: [string, string][];
    action?: Action;
    after?: string[];
    /** An order placed in a test store: said first, in every such email. */
    testMode?: boolean | undefined;
  },
): RenderedEmail {
  const { subject, title, table, action, after = [] } = parts;
  const paragraphs = parts.testMode ? [testOrderLine, ...parts.paragraphs] : parts.paragraphs;
  const body = html`${paragraphs.map(paragraph)}${table ? rows(table) : ''}${
    !action
      ? ''
      : 'url' in action
        ? button(action.url, action.label)
        : paragraph(html`<strong>${action.label}:</strong> ${action.withheld}`)
  }${after.map(paragraph)}`;
  const text = textLayout(brand, title, [
    ...paragraphs,
    ...(table ? [table.map(([label, value]) => `${label}  ${value}`).join('\n')] : []),
    ...(action ? [`${action.label}: ${'url' in action ? action.url : action.withheld}`] : []),
    ...after,
  ]);
  return { subject, html: layout(brand, title, paragraphs[0] ?? title, body), text };
}

/** The line every email about an order placed in a test store opens with. */
export const testOrderLine = 'Test order: no money was taken.';

const greeting = (firstName: string | undefined) => (firstName ? `Hi ${firstName},` : 'Hello,');
const orderLink = (brand: Brand, orderId: string) => {
  const link = storeLink(brand, 'orders', orderId);
  const token = brand.orderAccessToken?.(orderId);
  return token ? `${link}?token=${encodeURIComponent(token)}` : link;
};

/** Why a refund was made, in the store team's words. */
const refundCauses: Record<string, string> = {
  admin: 'a refund asked for by the store',
  cancelled: 'the paid order was cancelled',
  late_payment: 'the payment came after the order closed',
  provider: 'made in the payment provider’s dashboard',
};

const renderers: Renderers = {
  welcome: (d, brand) =>
    email(brand, {
      subject: `Welcome to ${brand.storeName}`,
      title: `Welcome to ${brand.storeName}`,
      paragraphs: [
        greeting(d.firstName),
        `Your account ${d.email} is ready. Sign in to check out faster, keep your addresses and follow your orders.`,
      ],
      action: { label: 'Start shopping', url: brand.publicUrl },
    }),

  password_reset: (d, brand) => {
    const token = brand.passwordResetToken?.(d.resetId);
    const label = 'Choose a new password';
    return email(brand, {
      subject: `Reset your ${brand.storeName} password`,
      title: 'Reset your password',
      paragraphs: [
        greeting(d.firstName),
        `Someone, hopefully you, asked to reset the password of your ${brand.storeName} account. The link works once and expires in ${d.expiresInMinutes} minutes.`,
      ],
      action: token
        ? { label, url: `${storeLink(brand, 'reset-password')}?token=${encodeURIComponent(token)}` }
        : {
            label,
            withheld: `a one-time link valid until ${formatDateTime(d.expiresAt)}, sent to the customer only and not kept in this copy.`,
          },
      after: ['If you did not ask for this, ignore this email: your password stays as it is.'],
    });
  },

  order_received: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: `Order ${d.number} received`,
      title: `Thank you for your order ${d.number}`,
      paragraphs: [
        `We have received your order ${d.number} and set its items aside for you.`,
        ...(d.paymentDueAt
          ? [
              `Please complete payment by ${formatDateTime(d.paymentDueAt)}; an order still unpaid then is cancelled and its items released.`,
            ]
          : []),
      ],
      table: [
        ...d.items.map((item): [string, string] => [
          `${item.name}${item.details ? ` (${item.details})` : ''} × ${item.quantity}`,
          formatMoney(item.lineTotal),
        ]),
        // The event carries lines and the total only; the difference is shipping and tax.
        ['Total, shipping and tax included', formatMoney(d.total)],
      ],
      action: { label: 'View your order', url: orderLink(brand, d.orderId) },
      after: ['We will email you again when it ships.'],
    }),

  order_shipped: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: `Order ${d.number} has shipped`,
      title: 'Your order is on its way',
      paragraphs: [`Good news: order ${d.number} has left our warehouse.`],
      table: [
        ['Carrier', d.carrier],
        ['Tracking number', d.trackingNumber],
      ],
      action: { label: 'View your order', url: orderLink(brand, d.orderId) },
      after: ['Tracking details can take a few hours to appear on the carrier’s website.'],
    }),

  order_cancelled: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: `Order ${d.number} was cancelled`,
      title: `Order ${d.number} was cancelled`,
      paragraphs: [
        {
          customer: `As you asked, we have cancelled order ${d.number}.`,
          admin: `We are sorry: we had to cancel order ${d.number}.`,
          expired: `We did not receive payment for order ${d.number} in time, so we have cancelled it and released its items.`,
          payment_cancelled: `The payment for order ${d.number} was cancelled before it was made, so we have cancelled the order and released its items.`,
        }[d.reason],
        d.refundDue
          ? 'You had already paid, so a full refund is on its way to your original payment method. It usually shows within 5 to 10 business days.'
          : 'You have not been charged for this order.',
      ],
      action: { label: 'View the order', url: orderLink(brand, d.orderId) },
    }),

  payment_receipt: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: `Receipt for order ${d.number}`,
      title: 'Payment received',
      paragraphs: [`Thank you: we have received your payment for order ${d.number}.`],
      table: [
        ['Order', d.number],
        ['Paid on', formatDateTime(d.paidAt)],
        ...(d.paymentMethod ? [['Payment method', d.paymentMethod] as [string, string]] : []),
        ['Amount paid', formatMoney(d.amount)],
      ],
      action: { label: 'View your order', url: orderLink(brand, d.orderId) },
      after: ['Keep this email as your receipt. We will email you again when your order ships.'],
    }),

  payment_failed: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: `Payment for order ${d.number} did not go through`,
      title: 'Your payment did not go through',
      paragraphs: [
        `We could not take the payment of ${formatMoney(d.amount)} for order ${d.number}.${d.reason ? ` ${d.reason}` : ''}`,
        d.payBy
          ? `Your items stay reserved until ${formatDateTime(d.payBy)}. You can try again with the same or another card before then.`
          : 'You can try again with the same or another card.',
      ],
      action: { label: 'Try again', url: orderLink(brand, d.orderId) },
    }),

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

  order_refunded: (d, brand) =>
    email(brand, {
      testMode: d.testMode,
      subject: d.full ? `Order ${d.number} refunded` : `Part of order ${d.number} refunded`,
      title: d.full ? 'Your order was refunded' : 'Part of your order was refunded',
      paragraphs: [
        `We have refunded ${formatMoney(d.amount)} for order ${d.number} to your original payment method. It usually shows within 5 to 10 business days.`,
      ],
      action: { label: 'View the order', url: orderLink(brand, d.orderId) },
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

/**
 * Render a template by name. Unknown names and data that does not fit the template's schema are
 * `ValidationFailed`: the message cannot succeed by retrying, and is left for an operator.
 */
export function renderEmail(brand: Brand, template: string, data: unknown): RenderedEmail {
  if (!Object.hasOwn(schemas, template)) {
    throw new ValidationFailed(
      [{ path: 'template', message: `is not one of ${templateNames.join(', ')}` }],
      `There is no email template named ${template}.`,
    );
  }
  const name = template as TemplateName;
  const parsed = schemas[name].safeParse(data);
  if (!parsed.success) {
    throw new ValidationFailed(
      parsed.error.issues.map((issue) => ({
        path: ['data', ...issue.path].join('.'),
        message: issue.message,
      })),
      `The data does not fit the ${name} email.`,
    );
  }
  return (renderers[name] as (data: unknown, brand: Brand) => RenderedEmail)(parsed.data, brand);
}
