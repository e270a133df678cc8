import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HistoryRow, OrderRow, SummaryRow } from './repository.js';
import type { Order } from './schemas.js';

const money = (amount: number, currency: string) => ({ amount, currency });
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Guest access tokens. A token is derived from the order id with a server key (HMAC), and only its
 * SHA-256 is stored: the database alone does not let anyone read an order, and the server can give a
 * retried request the same token again without keeping it.
 */
export function createAccessTokens(key: string) {
  return {
    issue: (orderId: string) =>
      createHmac('sha256', key).update(`order-access:${orderId}`).digest('base64url'),
    hash: (token: string) => createHash('sha256').update(token).digest('hex'),
    /** Constant-time comparison of a presented token with the stored hash. */
    matches(token: string | undefined, storedHash: string | null): boolean {
      if (!token || !storedHash) return false;
      const presented = Buffer.from(createHash('sha256').update(token).digest('hex'));
      const stored = Buffer.from(storedHash);
      return presented.length === stored.length && timingSafeEqual(presented, stored);
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** The order as its customer sees it. The client secret is shown only while payment is still due. */
export function toOrder(row: OrderRow): Order {
  const c = row.currency;
  const payment = row.payment ?? { id: '', status: 'none', provider: 'none', client_secret: null };
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    items: row.lines.map((l) => ({
      id: l.id,
      variantId: l.variant_id,
      sku: l.sku,
      productSlug: l.product_slug,
      name: l.name,
      size: l.size,
      color: l.color,
      image: l.image_url ? { url: l.image_url, alt: l.name } : null,
      unitPrice: money(l.unit_price, c),
      quantity: l.quantity,
      lineTotal: money(l.line_total, c),
    })),
    subtotal: money(row.subtotal, c),
    discount: money(row.discount, c),
    shipping: money(row.shipping, c),
    tax: money(row.tax, c),
    total: money(row.total, c),
    currency: c,
    discountCode: row.discount_code,
    taxRate: row.tax_rate_bp / 100,
    shippingMethod: { id: row.shipping_method_id, name: row.shipping_method_name },
    shippingAddress: row.shipping_address,
    billingAddress: row.billing_address,
    payment: {
      id: payment.id,
      status: payment.status,
      provider: payment.provider,
      ...(row.status === 'pending_payment' && payment.client_secret
        ? { clientSecret: payment.client_secret }
        : {}),
      paymentMethod: payment.payment_method ?? null,
      failure:
        row.status === 'pending_payment' && payment.failure_code
          ? { code: payment.failure_code, message: payment.failure_message ?? '' }
          : null,
      amountRefunded: money(payment.amount_refunded ?? 0, c),
    },
    paymentDueAt: row.status === 'pending_payment' ? iso(row.payment_due_at) : null,
    fulfilment:
      row.carrier && row.tracking_number
        ? { carrier: row.carrier, trackingNumber: row.tracking_number }
        : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export const toHistory = (rows: HistoryRow[]) =>
  rows.map((h) => ({
    from: h.from_status,
    to: h.to_status,
    actor: h.actor,
    reason: h.reason,
    at: iso(h.created_at),
  }));

export const toSummary = (row: SummaryRow) => ({
  id: row.id,
  number: row.number,
  status: row.status,
  email: row.email,
  total: money(row.total, row.currency),
  itemCount: row.item_count,
  createdAt: iso(row.created_at),
});
