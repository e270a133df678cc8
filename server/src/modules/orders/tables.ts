import { sql } from 'drizzle-orm';
import {
  boolean,
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
import type { OrderAddress } from './schemas.js';

const money = <Name extends string>(name: Name) => integer(name).notNull();

export const orderStatuses = [
  'pending_payment',
  'paid',
  'fulfilled',
  'delivered',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;

/**
 * An order: a snapshot of what was bought, at which prices, shipped where. Nothing here refers back to
 * a cart or an address book entry: later changes to those never change an order.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    userId: uuid('user_id'),
    email: text('email').notNull(),
    status: text('status', { enum: orderStatuses }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    subtotal: money('subtotal'),
    discount: money('discount'),
    shipping: money('shipping'),
    tax: money('tax'),
    total: money('total'),
    discountCode: text('discount_code'),
    shippingMethodId: text('shipping_method_id').notNull(),
    shippingMethodName: text('shipping_method_name').notNull(),
    taxRateBasisPoints: integer('tax_rate_bp').notNull(),
    shippingAddress: jsonb('shipping_address').$type<OrderAddress>().notNull(),
    billingAddress: jsonb('billing_address').$type<OrderAddress>(),
    /** SHA-256 of the guest's access token; null for orders of signed-in customers. */
    accessTokenHash: text('access_token_hash'),
    /** When an unpaid order gives its stock back. */
    paymentDueAt: at('payment_due_at').notNull(),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    /** The cart and the exact contents it was placed from: one cart's contents make one order. */
    cartId: text('cart_id'),
    cartVersion: text('cart_version'),
    /** Placed in a test store (no real money moves): it stays a test order whatever comes later. */
    testMode: boolean('test_mode').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('orders_number_key').on(t.number),
    uniqueIndex('orders_cart_version_key').on(t.cartId, t.cartVersion),
    index('orders_user_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    index('orders_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('orders_email_idx').on(sql`lower(${t.email})`),
    index('orders_due_idx')
      .on(t.paymentDueAt)
      .where(sql`${t.status} = 'pending_payment'`),
    check('orders_status_check', sql`${t.status} IN ${sqlList(orderStatuses)}`),
    check(
      'orders_money_check',
      sql`${t.subtotal} >= 0 AND ${t.discount} >= 0 AND ${t.discount} <= ${t.subtotal} AND ${t.shipping} >= 0 AND ${t.tax} >= 0 AND ${t.total} = ${t.subtotal} - ${t.discount} + ${t.shipping} + ${t.tax}`,
    ),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    variantId: uuid('variant_id').notNull(),
    sku: text('sku').notNull(),
    productSlug: text('product_slug').notNull(),
    name: text('name').notNull(),
    size: text('size').notNull(),
    color: text('color').notNull(),
    imageUrl: text('image_url'),
    unitPrice: money('unit_price'),
    quantity: integer('quantity').notNull(),
    lineTotal: money('line_total'),
    position: integer('position').notNull(),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId, t.position),
    // Whether a variant was ever sold: the catalog admin asks before a variant is removed or changed.
    index('order_lines_variant_idx').on(t.variantId),
    check('order_lines_quantity_check', sql`${t.quantity} BETWEEN 1 AND 10`),
    check('order_lines_total_check', sql`${t.lineTotal} = ${t.unitPrice} * ${t.quantity}`),
  ],
);

/** Every status change of an order, with who made it and why: the order's timeline. */
export const orderHistory = pgTable(
  'order_history',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('order_history_order_idx').on(t.orderId, t.createdAt)],
);

/**
 * Idempotency keys of order-creating requests: the first request claims the key, and its answer is
 * stored with it in the order's own transaction, so a retry gets the same answer and a concurrent
 * duplicate waits for it. `scope` is the user id, or 'guest'.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Who holds the claim: only that request may store the answer or give the key back. */
    holder: text('holder'),
    /** Until then the claim is held by the request working on it; after, a crashed claim may be retaken. */
    lockedUntil: at('locked_until'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    orderId: uuid('order_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
  ],
);
