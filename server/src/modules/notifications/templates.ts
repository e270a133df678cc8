import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import {
  email,
  greeting,
  money,
  name,
  orderLink,
  orderRef,
  type RenderedEmail,
  type RenderersOf,
} from './email-parts.js';
import { formatDateTime, formatMoney, storeLink, type Brand } from './html.js';
import { storeTeamRenderers, storeTeamSchemas } from './store-team-templates.js';

export { testOrderLine, type RenderedEmail } from './email-parts.js';

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

const shopperSchemas = {
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
  order_refunded: z.object({
    ...orderRef,
    amount: money,
    /** The whole order was refunded, not part of it. */
    full: z.boolean(),
  }),
};

const schemas = { ...shopperSchemas, ...storeTeamSchemas };

export type TemplateName = keyof typeof schemas;
export type TemplateData<Name extends TemplateName> = z.input<(typeof schemas)[Name]>;
export const templateNames = Object.keys(schemas) as TemplateName[];

const shopperRenderers: RenderersOf<typeof shopperSchemas> = {
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
};

const renderers = { ...shopperRenderers, ...storeTeamRenderers };

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
