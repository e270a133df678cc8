import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/index.js';
import type { OrderLineRow, OrderRow } from './repository.js';

/** The SQL of placing an order: the customer's lock, the one statement that writes it, its checks. */

/** Unambiguous characters only (no 0/O, 1/I/L), so a number read out over the phone survives. */
const numberAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newOrderNumber(): string {
  let out = 'SR-';
  for (let i = 0; i < 8; i++) out += numberAlphabet[randomInt(numberAlphabet.length)];
  return out;
}

/** A line as checkout snapshots it; its total is computed where it is written. */
export type NewLine = Omit<OrderLineRow, 'lineTotal'>;

/** The order's payment, written with it; the provider's intent is asked for after the commit. */
export interface NewPayment {
  id: string;
  provider: string;
}

/** An order as checkout builds it, before its number is drawn: a snapshot of what is sold. */
export type NewOrder = Pick<
  OrderRow,
  | 'id'
  | 'userId'
  | 'email'
  | 'currency'
  | 'subtotal'
  | 'discount'
  | 'shipping'
  | 'tax'
  | 'total'
  | 'discountCode'
  | 'shippingMethodId'
  | 'shippingMethodName'
  | 'taxRateBasisPoints'
  | 'shippingAddress'
  | 'billingAddress'
  | 'accessTokenHash'
  | 'testMode'
> & {
  /** The cart and the fingerprint of its contents: one cart's contents make one order. */
  cartId: string;
  cartVersion: string;
  /** The database's clock, read when the customer's lock was taken. */
  createdAt: Date;
  paymentDueAt: Date;
  lines: NewLine[];
  payment: NewPayment;
};

/** Everything one `insertOrder` writes: the order under a number, its event and the stored answer. */
export interface OrderWrite {
  order: NewOrder;
  number: string;
  /** Who placed it, for its first timeline entry. */
  actor: string;
  /** The unpaid orders the customer may hold; the insert happens only below it. */
  maxUnpaid: number;
  event: { id: string; type: string; version: number; payload: string };
  answer: { scope: string; key: string; holder: string; body: unknown };
}

export type Refusal = 'cart_already_ordered' | 'too_many_unpaid_orders' | 'claim_lost';

/** `number_taken`: the number drawn is another order's (once in a billion); draw again. */
export type WriteOutcome = 'written' | 'number_taken' | Refusal;

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
  const [row] = await queryRows<{ now: Date | string }>(
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

/** The fingerprint of the cart contents an order was placed from (null for orders placed before). */
export async function cartVersionOf(db: Queryable, orderId: string): Promise<string | null> {
  const [row] = await queryRows<{ cartVersion: string | null }>(
    db,
    sql`SELECT cart_version AS "cartVersion" FROM orders WHERE id = ${orderId}::uuid`,
  );
  return row?.cartVersion ?? null;
}

/**
 * The order, its lines, its payment, its first timeline entry, its `order_created` event and the
 * idempotency answer, in one statement (one round trip instead of six). The insert happens only
 * while the customer holds fewer than `maxUnpaid` unpaid orders, and the answer is stored only by
 * the request that holds the key's claim (else `claim_lost`, and the caller rolls back). ON CONFLICT
 * DO NOTHING keeps the transaction usable where a unique violation would not: it meets an order
 * already placed from the same cart contents (committed, or committing now: the insert waits for
 * it), which is refused, or, once in a billion, a number already taken (`number_taken`).
 */
export async function insertOrder(tx: Queryable, write: OrderWrite): Promise<WriteOutcome> {
  const { order, number, event, answer } = write;
  // A customer's own unpaid orders: by account when signed in, by email among guest orders
  // otherwise (an email is not proven, so guests must not be able to block an account holder).
  const unpaid = order.userId
    ? sql`(SELECT count(*) FROM orders WHERE status = 'pending_payment' AND user_id = ${order.userId}::uuid)`
    : sql`(SELECT count(*) FROM orders WHERE status = 'pending_payment' AND user_id IS NULL
             AND lower(email) = ${order.email.toLowerCase()})`;
  const lineRows = sql.join(
    order.lines.map(
      (
        l,
        position,
      ) => sql`(${l.id}::uuid, ${l.variantId}::uuid, ${l.sku}::text, ${l.productSlug}::text,
        ${l.name}::text, ${l.size}::text, ${l.color}::text, ${l.imageUrl}::text, ${l.unitPrice}::int,
        ${l.quantity}::int, ${position}::int)`,
    ),
    sql`, `,
  );
  const [inserted] = await queryRows<{ answered: number }>(
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
                 ${order.accessTokenHash}, ${order.paymentDueAt},
                 ${order.cartId}, ${order.cartVersion}, ${order.testMode}, ${order.createdAt}, ${order.createdAt}
          WHERE ${unpaid} < ${write.maxUnpaid}
          ON CONFLICT DO NOTHING
          RETURNING id
        ), lines AS (
          INSERT INTO order_lines (id, order_id, variant_id, sku, product_slug, name, size, color, image_url,
                                   unit_price, quantity, line_total, position)
          SELECT l.id, o.id, l.variant_id, l.sku, l.product_slug, l.name, l.size, l.color, l.image_url,
                 l.unit_price, l.quantity, l.unit_price * l.quantity, l.position
          FROM o, (VALUES ${lineRows})
            AS l(id, variant_id, sku, product_slug, name, size, color, image_url, unit_price, quantity, position)
        ), payment AS (
          INSERT INTO payments (id, order_id, provider, status, amount, currency)
          SELECT ${order.payment.id}::uuid, o.id, ${order.payment.provider}, 'pending', ${order.total}::int,
                 ${order.currency}
          FROM o
        ), history AS (
          INSERT INTO order_history (order_id, from_status, to_status, actor, created_at)
          SELECT o.id, NULL, 'pending_payment', ${write.actor}, ${order.createdAt} FROM o
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
        SELECT (SELECT count(*) FROM answer)::int AS answered FROM o`,
  );
  if (inserted) return inserted.answered === 1 ? 'written' : 'claim_lost';
  const [reason] = await queryRows<{ sameCart: boolean; unpaid: number }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM orders WHERE cart_id = ${order.cartId} AND cart_version = ${order.cartVersion}) AS "sameCart",
               ${unpaid}::int AS unpaid`,
  );
  if (reason?.sameCart) return 'cart_already_ordered';
  if ((reason?.unpaid ?? 0) >= write.maxUnpaid) return 'too_many_unpaid_orders';
  return 'number_taken';
}
