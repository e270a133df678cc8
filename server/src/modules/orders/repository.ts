import { randomInt } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/index.js';
import { Conflict } from '../../platform/errors.js';
import type { OrderStatus } from './status.js';
import type { OrderAddress } from './schemas.js';

/** The SQL of the orders module: only this file knows its tables' columns. */

export interface OrderLineRow {
  id: string;
  variant_id: string;
  sku: string;
  product_slug: string;
  name: string;
  size: string;
  color: string;
  image_url: string | null;
  unit_price: number;
  quantity: number;
  line_total: number;
}

export interface OrderRow {
  id: string;
  number: string;
  user_id: string | null;
  email: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  discount_code: string | null;
  shipping_method_id: string;
  shipping_method_name: string;
  tax_rate_bp: number;
  shipping_address: OrderAddress;
  billing_address: OrderAddress | null;
  access_token_hash: string | null;
  payment_due_at: Date | string;
  carrier: string | null;
  tracking_number: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  lines: OrderLineRow[];
  payment: {
    id: string;
    status: string;
    provider: string;
    client_secret: string | null;
  } | null;
}

export interface HistoryRow {
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
  created_at: Date | string;
}

const orderColumns = sql`
  o.*,
  COALESCE((SELECT json_agg(l ORDER BY l.position) FROM order_lines l WHERE l.order_id = o.id), '[]'::json) AS lines,
  (SELECT json_build_object('id', p.id, 'status', p.status, 'provider', p.provider, 'client_secret', p.client_secret)
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
  return queryRows<HistoryRow>(
    db,
    sql`SELECT from_status, to_status, actor, reason, created_at FROM order_history
        WHERE order_id = ${orderId}::uuid ORDER BY created_at, id`,
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
}

/**
 * Insert the order under a fresh random number; a number already taken (one in a billion) is simply
 * drawn again. ON CONFLICT DO NOTHING keeps the transaction usable where a unique violation would
 * not; it also meets an order already placed from the same cart contents (committed, or committing
 * now: the insert waits for it), which is refused.
 */
export async function insertOrder(tx: Queryable, order: NewOrder): Promise<string> {
  for (;;) {
    const number = newOrderNumber();
    const inserted = await queryRows<{ number: string }>(
      tx,
      sql`INSERT INTO orders (id, number, user_id, email, status, currency, subtotal, discount, shipping, tax, total,
                              discount_code, shipping_method_id, shipping_method_name, tax_rate_bp,
                              shipping_address, billing_address, access_token_hash, payment_due_at,
                              cart_id, cart_version)
          VALUES (${order.id}::uuid, ${number}, ${order.userId}, ${order.email}, 'pending_payment', ${order.currency},
                  ${order.subtotal}, ${order.discount}, ${order.shipping}, ${order.tax}, ${order.total},
                  ${order.discountCode}, ${order.shippingMethodId}, ${order.shippingMethodName}, ${order.taxRateBasisPoints},
                  ${JSON.stringify(order.shippingAddress)}::jsonb,
                  ${order.billingAddress ? JSON.stringify(order.billingAddress) : null}::jsonb,
                  ${order.accessTokenHash}, now() + make_interval(secs => ${order.paymentTimeoutSeconds}),
                  ${order.cartId}, ${order.cartVersion})
          ON CONFLICT DO NOTHING RETURNING number`,
    );
    if (inserted[0]) return inserted[0].number;
    const same = await queryRows(
      tx,
      sql`SELECT 1 FROM orders WHERE cart_id = ${order.cartId} AND cart_version = ${order.cartVersion}`,
    );
    if (same.length > 0) {
      throw new Conflict(
        'cart_already_ordered',
        'An order was just placed from this cart; look for it before ordering again.',
      );
    }
  }
}

export interface NewLine {
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

export async function insertLines(tx: Queryable, orderId: string, lines: NewLine[]) {
  await tx.execute(sql`
    INSERT INTO order_lines (order_id, variant_id, sku, product_slug, name, size, color, image_url,
                             unit_price, quantity, line_total, position)
    VALUES ${sql.join(
      lines.map(
        (
          l,
          position,
        ) => sql`(${orderId}::uuid, ${l.variantId}::uuid, ${l.sku}, ${l.productSlug}, ${l.name},
          ${l.size}, ${l.color}, ${l.imageUrl}, ${l.unitPrice}, ${l.quantity}, ${l.unitPrice * l.quantity}, ${position})`,
      ),
      sql`, `,
    )}`);
}

export async function insertPayment(
  tx: Queryable,
  payment: {
    orderId: string;
    provider: string;
    amount: number;
    currency: string;
    clientSecret: string;
  },
) {
  await tx.execute(sql`
    INSERT INTO payments (order_id, provider, status, amount, currency, client_secret)
    VALUES (${payment.orderId}::uuid, ${payment.provider}, 'pending', ${payment.amount}, ${payment.currency}, ${payment.clientSecret})`);
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

export async function setPaymentStatus(tx: Queryable, orderId: string, from: string, to: string) {
  await tx.execute(sql`UPDATE payments SET status = ${to}, updated_at = now()
                       WHERE order_id = ${orderId}::uuid AND status = ${from}`);
}

export interface SummaryRow {
  id: string;
  number: string;
  status: OrderStatus;
  email: string;
  total: number;
  currency: string;
  item_count: number;
  created_at: Date | string;
}

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

/** Unpaid orders past their deadline, locked; rows another worker holds are skipped, never waited for. */
export async function claimExpired(tx: Queryable, limit: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id FROM orders WHERE status = 'pending_payment' AND payment_due_at <= now()
        ORDER BY payment_due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  );
  return rows.map((r) => r.id);
}
