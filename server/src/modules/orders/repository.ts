import { randomInt } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/index.js';
import type { Row, RowKey } from '../../platform/db/rows.js';
import type { payments } from '../payments/tables.js';
import type { OrderStatus } from './status.js';
import type { OrderAddress } from './schemas.js';
import { orderHistory as orderHistoryTable, orderLines, orders } from './tables.js';

/** The SQL of the orders module: only this file knows its tables' columns. */

export type OrderLineRow = Row<
  typeof orderLines,
  | 'id'
  | 'variant_id'
  | 'sku'
  | 'product_slug'
  | 'name'
  | 'size'
  | 'color'
  | 'image_url'
  | 'unit_price'
  | 'quantity'
  | 'line_total'
>;

/**
 * An order (all its columns but the cart it came from, which only checkout reads) with its lines
 * (`json_agg`) and its latest payment (`json_build_object`, named below).
 */
export type OrderRow = Row<
  typeof orders,
  Exclude<RowKey<typeof orders>, 'cart_id' | 'cart_version'>
> & {
  lines: OrderLineRow[];
  payment:
    | (Row<typeof payments, 'id' | 'status' | 'provider' | 'client_secret'> &
        Partial<
          Row<
            typeof payments,
            'payment_method' | 'failure_code' | 'failure_message' | 'amount_refunded'
          >
        >)
    | null;
};

export type HistoryRow = Row<
  typeof orderHistoryTable,
  'from_status' | 'to_status' | 'actor' | 'reason' | 'created_at'
>;

const orderColumns = sql`
  o.*,
  COALESCE((SELECT json_agg(l ORDER BY l.position) FROM order_lines l WHERE l.order_id = o.id), '[]'::json) AS lines,
  (SELECT json_build_object('id', p.id, 'status', p.status, 'provider', p.provider, 'client_secret', p.client_secret,
                            'payment_method', p.payment_method, 'failure_code', p.failure_code,
                            'failure_message', p.failure_message, 'amount_refunded', p.amount_refunded)
     FROM payments p WHERE p.order_id = o.id ORDER BY p.created_at DESC LIMIT 1) AS payment`;

export async function findOrder(db: Queryable, id: string, lock = false): Promise<OrderRow | null> {
  if (lock) await db.execute(sql`SELECT 1 FROM orders WHERE id = ${id}::uuid FOR UPDATE`);
  const [row] = await queryRows<OrderRow>(
    db,
    sql`SELECT ${orderColumns} FROM orders o WHERE o.id = ${id}::uuid`,
  );
  return row ?? null;
}

export async function orderHistory(db: Queryable, orderId: string): Promise<HistoryRow[]> {
  const h = orderHistoryTable;
  return queryRows<HistoryRow>(
    db,
    sql`SELECT ${h.fromStatus}, ${h.toStatus}, ${h.actor}, ${h.reason}, ${h.createdAt} FROM ${h}
        WHERE ${h.orderId} = ${orderId}::uuid ORDER BY ${h.createdAt}, ${h.id}`,
  );
}

/** Unambiguous characters only (no 0/O, 1/I/L), so a number read out over the phone survives. */
const numberAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newOrderNumber(): string {
  let out = 'SR-';
  for (let i = 0; i < 8; i++) out += numberAlphabet[randomInt(numberAlphabet.length)];
  return out;
}

export interface NewOrder {
  id: string;
  userId: string | null;
  email: string;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  discountCode: string | null;
  shippingMethodId: string;
  shippingMethodName: string;
  taxRateBasisPoints: number;
  shippingAddress: OrderAddress;
  billingAddress: OrderAddress | null;
  accessTokenHash: string | null;
  paymentTimeoutSeconds: number;
  cartId: string;
  cartVersion: string;
  testMode: boolean;
}

export interface NewLine {
  id: string;
  variantId: string;
  sku: string;
  productSlug: string;
  name: string;
  size: string;
  color: string;
  imageUrl: string | null;
  unitPrice: number;
  quantity: number;
}

/** The order's payment, written with it; the provider's intent is asked for after the commit. */
export interface NewPayment {
  id: string;
  provider: string;
}

export type Refusal = 'cart_already_ordered' | 'too_many_unpaid_orders' | 'claim_lost';

/** What is written with the order once its number is known: its event and the stored answer. */
export interface WrittenWith {
  event: { id: string; type: string; version: number; payload: string };
  answer: { scope: string; key: string; holder: string; body: unknown };
}

/**
 * Serialise one customer's checkouts for the rest of the transaction, so the unpaid-order limit
 * counts orders committed by their other requests; and read the database's clock, which every later
 * status change uses too. A statement of its own: the insert's snapshot must come after the lock.
 */
export async function lockCustomer(
  tx: Queryable,
  customer: { userId: string | null; email: string },
): Promise<Date> {
  const key = customer.userId
    ? `unpaid:user:${customer.userId}`
    : `unpaid:email:${customer.email.toLowerCase()}`;
  // An expression, typed by hand: `date_trunc` of a timestamptz, sent as text.
  const [row] = await queryRows<{ now: string }>(
    tx,
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0)), date_trunc('milliseconds', now()) AS now`,
  );
  return new Date(row?.now ?? Date.now());
}

/** Whether an order was already placed from exactly these cart contents. */
export async function cartOrdered(tx: Queryable, cartId: string, version: string) {
  const rows = await queryRows(
    tx,
    sql`SELECT 1 FROM orders WHERE cart_id = ${cartId} AND cart_version = ${version}`,
  );
  return rows.length > 0;
}

/**
 * The order, its lines, its payment, its first timeline entry, its `order_created` event and the
 * idempotency answer, in one statement (one round trip instead of six). The insert happens only
 * while the customer holds fewer than `maxUnpaid` unpaid orders, and the answer is stored only by
 * the request that holds the key's claim (else `claim_lost`, and the caller rolls back). ON CONFLICT DO NOTHING keeps the transaction usable where a unique violation would not:
 * it meets an order already placed from the same cart contents (committed, or committing now: the
 * insert waits for it), which is refused, or, once in a billion, a number already taken, which is
 * simply drawn again.
 */
export async function insertOrder(
  tx: Queryable,
  order: NewOrder,
  lines: NewLine[],
  payment: NewPayment,
  history: { actor: string },
  maxUnpaid: number,
  times: { createdAt: Date; paymentDueAt: Date },
  writtenWith: (number: string) => WrittenWith,
): Promise<{ refused: Refusal } | { refused?: undefined; number: string }> {
  // A customer's own unpaid orders: by account when signed in, by email among guest orders
  // otherwise (an email is not proven, so guests must not be able to block an account holder).
  const unpaid = order.userId
    ? sql`(SELECT count(*) FROM orders WHERE status = 'pending_payment' AND user_id = ${order.userId}::uuid)`
    : sql`(SELECT count(*) FROM orders WHERE status = 'pending_payment' AND user_id IS NULL
             AND lower(email) = ${order.email.toLowerCase()})`;
  const lineRows = sql.join(
    lines.map(
      (
        l,
        position,
      ) => sql`(${l.id}::uuid, ${l.variantId}::uuid, ${l.sku}::text, ${l.productSlug}::text,
        ${l.name}::text, ${l.size}::text, ${l.color}::text, ${l.imageUrl}::text, ${l.unitPrice}::int,
        ${l.quantity}::int, ${position}::int)`,
    ),
    sql`, `,
  );
  for (;;) {
    const number = newOrderNumber();
    const { event, answer } = writtenWith(number);
    // `answered` counts the stored answers (0 or 1).
    const [inserted] = await queryRows<Row<typeof orders, 'number'> & { answered: number }>(
      tx,
      sql`WITH o AS (
            INSERT INTO orders (id, number, user_id, email, status, currency, subtotal, discount, shipping, tax, total,
                                discount_code, shipping_method_id, shipping_method_name, tax_rate_bp,
                                shipping_address, billing_address, access_token_hash, payment_due_at,
                                cart_id, cart_version, test_mode, created_at, updated_at)
            SELECT ${order.id}::uuid, ${number}, ${order.userId}::uuid, ${order.email}, 'pending_payment', ${order.currency},
                   ${order.subtotal}::int, ${order.discount}::int, ${order.shipping}::int, ${order.tax}::int, ${order.total}::int,
                   ${order.discountCode}, ${order.shippingMethodId}, ${order.shippingMethodName}, ${order.taxRateBasisPoints}::int,
                   ${JSON.stringify(order.shippingAddress)}::jsonb,
                   ${order.billingAddress ? JSON.stringify(order.billingAddress) : null}::jsonb,
                   ${order.accessTokenHash}, ${times.paymentDueAt},
                   ${order.cartId}, ${order.cartVersion}, ${order.testMode}, ${times.createdAt}, ${times.createdAt}
            WHERE ${unpaid} < ${maxUnpaid}
            ON CONFLICT DO NOTHING
            RETURNING id, number
          ), lines AS (
            INSERT INTO order_lines (id, order_id, variant_id, sku, product_slug, name, size, color, image_url,
                                     unit_price, quantity, line_total, position)
            SELECT l.id, o.id, l.variant_id, l.sku, l.product_slug, l.name, l.size, l.color, l.image_url,
                   l.unit_price, l.quantity, l.unit_price * l.quantity, l.position
            FROM o, (VALUES ${lineRows})
              AS l(id, variant_id, sku, product_slug, name, size, color, image_url, unit_price, quantity, position)
          ), payment AS (
            INSERT INTO payments (id, order_id, provider, status, amount, currency)
            SELECT ${payment.id}::uuid, o.id, ${payment.provider}, 'pending', ${order.total}::int,
                   ${order.currency}
            FROM o
          ), history AS (
            INSERT INTO order_history (order_id, from_status, to_status, actor, created_at)
            SELECT o.id, NULL, 'pending_payment', ${history.actor}, ${times.createdAt} FROM o
          ), event AS (
            INSERT INTO outbox (id, type, version, payload)
            SELECT ${event.id}::uuid, ${event.type}, ${event.version}::int, ${event.payload}::jsonb FROM o
          ), answer AS (
            UPDATE idempotency_keys
            SET response_status = 201, response_body = ${JSON.stringify(answer.body)}::jsonb,
                order_id = o.id, locked_until = NULL
            FROM o
            WHERE scope = ${answer.scope} AND key = ${answer.key} AND holder = ${answer.holder}
              AND response_status IS NULL
            RETURNING 1
          )
          SELECT number, (SELECT count(*) FROM answer)::int AS answered FROM o`,
    );
    if (inserted) return inserted.answered === 1 ? { number } : { refused: 'claim_lost' };
    // Two expressions, typed by hand.
    const [reason] = await queryRows<{ same_cart: boolean; unpaid: number }>(
      tx,
      sql`SELECT EXISTS (SELECT 1 FROM orders WHERE cart_id = ${order.cartId} AND cart_version = ${order.cartVersion}) AS same_cart,
                 ${unpaid}::int AS unpaid`,
    );
    if (reason?.same_cart) return { refused: 'cart_already_ordered' };
    if ((reason?.unpaid ?? 0) >= maxUnpaid) return { refused: 'too_many_unpaid_orders' };
  }
}

export async function recordHistory(
  tx: Queryable,
  entry: {
    orderId: string;
    from: OrderStatus | null;
    to: OrderStatus;
    actor: string;
    reason?: string | null;
  },
) {
  await tx.execute(sql`
    INSERT INTO order_history (order_id, from_status, to_status, actor, reason)
    VALUES (${entry.orderId}::uuid, ${entry.from}, ${entry.to}, ${entry.actor}, ${entry.reason ?? null})`);
}

/** Apply a checked move; conditional on the status it was checked against. Returns false if it moved meanwhile. */
export async function updateStatus(
  tx: Queryable,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
  set: SQL = sql``,
): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`UPDATE orders SET status = ${to}, updated_at = now() ${set}
        WHERE id = ${orderId}::uuid AND status = ${from} RETURNING id`,
  );
  return rows.length > 0;
}

export type SummaryRow = Row<
  typeof orders,
  'id' | 'number' | 'status' | 'email' | 'total' | 'currency' | 'created_at'
> & {
  /** An aggregate of the order's lines (`sum(quantity)::int`). */
  item_count: number;
};

const summaryColumns = sql`o.id, o.number, o.status, o.email, o.total, o.currency, o.created_at,
  (SELECT COALESCE(sum(quantity), 0)::int FROM order_lines l WHERE l.order_id = o.id) AS item_count`;

/** Order ids are UUIDv7, so `id` order is placement order and `id < cursor` pages back in time. */
export async function listByUser(
  db: Queryable,
  userId: string,
  after: string | undefined,
  limit: number,
) {
  return queryRows<SummaryRow>(
    db,
    sql`SELECT ${summaryColumns} FROM orders o
        WHERE o.user_id = ${userId}::uuid ${after ? sql`AND o.id < ${after}::uuid` : sql``}
        ORDER BY o.id DESC LIMIT ${limit + 1}`,
  );
}

export interface AdminFilter {
  status?: OrderStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  email?: string | undefined;
  number?: string | undefined;
}

export async function listForAdmin(
  db: Queryable,
  filter: AdminFilter,
  after: string | undefined,
  limit: number,
) {
  const where: SQL[] = [];
  if (filter.status) where.push(sql`o.status = ${filter.status}`);
  if (filter.from) where.push(sql`o.created_at >= ${filter.from}`);
  if (filter.to) where.push(sql`o.created_at < ${filter.to}`);
  if (filter.email) where.push(sql`lower(o.email) = ${filter.email.toLowerCase()}`);
  if (filter.number) where.push(sql`o.number = ${filter.number.toUpperCase()}`);
  if (after) where.push(sql`o.id < ${after}::uuid`);
  return queryRows<SummaryRow>(
    db,
    sql`SELECT ${summaryColumns} FROM orders o
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY o.id DESC LIMIT ${limit + 1}`,
  );
}

/**
 * Unpaid orders past their deadline, locked; rows another worker holds are skipped, never waited
 * for. An order whose payment the provider is still processing (a bank debit can take days) is not
 * expired: the provider's success or failure settles it, and a failure makes it payable, and so
 * expirable, again.
 */
export async function claimExpired(tx: Queryable, limit: number): Promise<string[]> {
  const rows = await queryRows<Row<typeof orders, 'id'>>(
    tx,
    sql`SELECT o.id FROM orders o
        WHERE o.status = 'pending_payment' AND o.payment_due_at <= now()
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'processing')
        ORDER BY o.payment_due_at LIMIT ${limit} FOR UPDATE OF o SKIP LOCKED`,
  );
  return rows.map((r) => r.id);
}
