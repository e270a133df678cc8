import { z } from 'zod';
import { moneySchema } from '../../platform/money.js';
import { addressBody, email } from '../accounts/index.js';
import { lineVariantFields } from '../catalog/index.js';
import { normaliseRegion } from '../pricing/index.js';
import { orderStatuses } from './tables.js';
import { disputeStatuses, refundStatuses } from '../payments/index.js';

/** An address on an order; where tax depends on the region, the region must be its code. */
export const orderAddressBody = addressBody
  .omit({ isDefaultShipping: true })
  .transform((address, context) => {
    const country = address.country.toUpperCase();
    const region = normaliseRegion(country, address.region);
    if (!region.ok) {
      context.addIssue({ code: 'custom', path: ['region'], message: region.message });
      return z.NEVER;
    }
    return { ...address, country, region: region.region };
  });
export type OrderAddress = z.output<typeof orderAddressBody>;

export const placeOrderBody = z.strictObject({
  cartId: z.string().min(1).max(100),
  email,
  shippingAddress: orderAddressBody,
  billingAddress: orderAddressBody.optional(),
  shippingMethodId: z.string().min(1).max(40),
});
export type PlaceOrderBody = z.output<typeof placeOrderBody>;

/** The header every order-creating request carries; the same key with the same body returns the first answer. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255, { abort: true })
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (a UUID, say)')
    .optional()
    .describe('Required. A client-generated unique key (a UUID) for this order attempt.'),
});

const addressSchema = z
  .object({
    firstName: z.string(),
    lastName: z.string(),
    line1: z.string(),
    line2: z.string().nullish(),
    city: z.string(),
    region: z.string().nullish(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string().nullish(),
  })
  .meta({ id: 'OrderAddress' });

export const orderItemSchema = z
  .object({
    id: z.string(),
    ...lineVariantFields,
    unitPrice: moneySchema,
    quantity: z.number().int(),
    lineTotal: moneySchema,
  })
  .meta({ id: 'OrderItem' });

export const orderSchema = z
  .object({
    id: z.string(),
    number: z.string().describe('Short and human-readable, for emails and phone calls'),
    status: z.enum(orderStatuses),
    email: z.string(),
    items: z.array(orderItemSchema),
    subtotal: moneySchema,
    discount: moneySchema,
    shipping: moneySchema,
    tax: moneySchema,
    total: moneySchema,
    currency: z.string(),
    discountCode: z.string().nullable(),
    taxRate: z.number().describe('Percent applied to the discounted subtotal plus shipping'),
    shippingMethod: z.object({ id: z.string(), name: z.string() }),
    shippingAddress: addressSchema,
    billingAddress: addressSchema.nullable(),
    payment: z.object({
      id: z.string(),
      status: z.string(),
      provider: z.string(),
      clientSecret: z
        .string()
        .optional()
        .describe(
          "While payment is due: confirm it with the provider (the local gateway's page is /gateway/pay/:clientSecret)",
        ),
      paymentMethod: z
        .string()
        .nullable()
        .optional()
        .describe('e.g. "Visa ending in 4242", once paid'),
      failure: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .optional()
        .describe('The last declined attempt, while the order is still payable'),
      amountRefunded: moneySchema.optional(),
    }),
    paymentDueAt: z.string().nullable().describe('An unpaid order is cancelled after this'),
    testMode: z
      .boolean()
      .describe('Placed in a test store: no real money was taken (the store said so at checkout)'),
    fulfilment: z.object({ carrier: z.string(), trackingNumber: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    accessToken: z
      .string()
      .optional()
      .describe('Guest orders only: read the order with GET /orders/:id?token='),
  })
  .meta({ id: 'Order' });
export type Order = z.output<typeof orderSchema>;

export const orderHistorySchema = z.array(
  z.object({
    from: z.string().nullable(),
    to: z.string(),
    actor: z.string(),
    reason: z.string().nullable(),
    at: z.string(),
  }),
);

export const adminOrderSchema = orderSchema
  .extend({
    userId: z.string().nullable(),
    history: orderHistorySchema,
    refunds: z.array(
      z.object({
        id: z.string(),
        amount: moneySchema,
        status: z
          .enum(refundStatuses)
          .describe('pending until the provider answers; failed when it refused for good'),
        reason: z.string(),
        failureReason: z
          .string()
          .nullable()
          .describe("Why the provider refused it, in the provider's words"),
        createdAt: z.string(),
      }),
    ),
    disputes: z
      .array(
        z.object({
          id: z.string().describe("The provider's id of the dispute"),
          amount: moneySchema,
          reason: z.string(),
          status: z.enum(disputeStatuses),
          openedAt: z.string(),
          closedAt: z.string().nullable(),
        }),
      )
      .describe("Chargebacks: the buyer's bank disputes the payment"),
    paymentEvents: z
      .array(z.object({ id: z.string(), type: z.string(), receivedAt: z.string() }))
      .describe("The provider's webhooks for this order, each recorded once"),
  })
  .meta({ id: 'AdminOrder' });
export type AdminOrder = z.output<typeof adminOrderSchema>;

export const orderSummarySchema = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(orderStatuses),
    email: z.string(),
    total: moneySchema,
    itemCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'OrderSummary' });

export const orderListSchema = z.object({
  items: z.array(orderSummarySchema),
  nextCursor: z.string().nullable(),
});

const page = {
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().max(100).optional(),
};

export const listOrdersQuery = z.strictObject(page);

const day = z.iso.date().or(z.iso.datetime({ offset: true }));
export const adminListOrdersQuery = z.strictObject({
  ...page,
  status: z.enum(orderStatuses).optional(),
  from: day.optional().describe('Placed at or after (date or date-time)'),
  to: day.optional().describe('Placed before (a date means the end of that day)'),
  email: z.string().trim().max(254).optional(),
  number: z.string().trim().max(40).optional(),
});
export type AdminListOrdersQuery = z.output<typeof adminListOrdersQuery>;

export const fulfilBody = z.strictObject({
  carrier: z.string().trim().min(1).max(60),
  trackingNumber: z
    .string()
    .trim()
    .max(60, { message: 'must be 4–60 letters, digits or "-"', abort: true })
    .regex(/^[A-Za-z0-9-]{4,60}$/, 'must be 4–60 letters, digits or "-"'),
});

export const orderParams = z.object({ id: z.uuid() });
export const orderTokenQuery = z.strictObject({ token: z.string().max(200).optional() });

export const refundBody = z.strictObject({
  amount: z
    .number()
    .int()
    .positive()
    .max(100_000_000)
    .optional()
    .describe('Minor units; everything still refundable when omitted'),
});
