import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/index.js';
import type { OrderStatus } from './status.js';
import type { OrderAddress } from './schemas.js';

/**
 * The SQL of the orders module: only this file and `checkout-repository.ts` (placing an order) know
 * its tables' columns.
 */

/** An order's line as the view reads it: names mapped once, in the SQL. */
export interface OrderLineRow {
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
  lineTotal: number;
}

/** An order with its lines and its latest payment, its columns aliased to these names in the SQL. */
export interface OrderRow {
  id: string;
  number: string;
  userId: string | null;
  email: string;
  status: OrderStatus;
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
  paymentDueAt: Date | string;
  carrier: string | null;
  trackingNumber: string | null;
  testMode: boolean;
  createdAt: Date | string;
  updatedAt: Date | string;
  lines: OrderLineRow[];
  payment: {
    id: string;
    status: string;
    provider: string;
    clientSecret: string | null;
    paymentMethod?: string | null;
    failureCode?: string | null;
    failureMessage?: string | null;
    amountRefunded?: number;
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
  o.id, o.number, o.user_id AS "userId", o.email, o.status, o.currency, o.subtotal, o.discount,
  o.shipping, o.tax, o.total, o.discount_code AS "discountCode", o.shipping_method_id AS "shippingMethodId",
  o.shipping_method_name AS "shippingMethodName", o.tax_rate_bp AS "taxRateBasisPoints",
  o.shipping_address AS "shippingAddress", o.billing_address AS "billingAddress",
  o.access_token_hash AS "accessTokenHash", o.payment_due_at AS "paymentDueAt", o.carrier,
  o.tracking_number AS "trackingNumber", o.test_mode AS "testMode", o.created_at AS "createdAt",
  o.updated_at AS "updatedAt",
  COALESCE((SELECT json_agg(json_build_object('id', l.id, 'variantId', l.variant_id, 'sku', l.sku,
                                              'productSlug', l.product_slug, 'name', l.name, 'size', l.size,
                                              'color', l.color, 'imageUrl', l.image_url, 'unitPrice', l.unit_price,
                                              'quantity', l.quantity, 'lineTotal', l.line_total) ORDER BY l.position)
              FROM order_lines l WHERE l.order_id = o.id), '[]'::json) AS lines,
  (SELECT json_build_object('id', p.id, 'status', p.status, 'provider', p.provider, 'clientSecret', p.client_secret,
                            'paymentMethod', p.payment_method, 'failureCode', p.failure_code,
                            'failureMessage', p.failure_message, 'amountRefunded', p.amount_refunded)
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

/**
 * Unpaid orders past their deadline, locked; rows another worker holds are skipped, never waited
 * for. An order whose payment the provider is still processing (a bank debit can take days) is not
 * expired: the provider's success or failure settles it, and a failure makes it payable, and so
 * expirable, again. Due by the database's clock, which set each deadline, unless `asOf` says when.
 */
export async function claimExpired(tx: Queryable, limit: number, asOf?: Date): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`SELECT o.id FROM orders o
        WHERE o.status = 'pending_payment' AND o.payment_due_at <= ${asOf ?? sql`now()`}
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'processing')
        ORDER BY o.payment_due_at LIMIT ${limit} FOR UPDATE OF o SKIP LOCKED`,
  );
  return rows.map((r) => r.id);
}
