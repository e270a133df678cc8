import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../platform/config.js';
import { derivedSecret } from '../../platform/secrets.js';
import type { HistoryRow, OrderRow, SummaryRow } from './repository.js';
import type { Order } from './schemas.js';

const money = (amount: number, currency: string) => ({ amount, currency });
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Guest access tokens. A token is an HMAC of the order id under a key of its own (`accessTokenKey`),
 * and only its SHA-256 is stored: the database alone does not let anyone read an order, and the
 * server can give a retried request (or an email) the same token again without keeping it.
 */
export function createAccessTokens(key: string) {
  const issue = (orderId: string) =>
    createHmac('sha256', key).update(`order-access:${orderId}`).digest('base64url');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return {
    issue,
    hash: (token: string) => digest(token).toString('hex'),
    /**
     * Whether a presented token opens this order: the order was placed by a guest (it has a stored
     * hash) and the token is the one made for its id with today's key, compared in constant time.
     * It is made again rather than only compared with the stored hash, so a token made under an
     * earlier key (the access-token key itself, before this key existed) opens nothing, while a link
     * in an email sent since opens an order placed before.
     */
    matches(orderId: string, token: string | undefined, storedHash: string | null): boolean {
      if (!token || !storedHash) return false;
      return timingSafeEqual(digest(token), digest(issue(orderId)));
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** The guest-token key every process of one store derives alike, used for nothing else. */
export const accessTokenKey = (config: Pick<Config, 'JWT_SECRET' | 'DATA_DIR'>) =>
  derivedSecret(config, 'guest-order-access');

/** The order as its customer sees it. The client secret is shown only while payment is still due. */
export function toOrder(row: OrderRow): Order {
  const c = row.currency;
  const payment = row.payment ?? { id: '', status: 'none', provider: 'none', clientSecret: null };
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    items: row.lines.map((l) => ({
      id: l.id,
      variantId: l.variantId,
      sku: l.sku,
      productSlug: l.productSlug,
      name: l.name,
      size: l.size,
      color: l.color,
      image: l.imageUrl ? { url: l.imageUrl, alt: l.name } : null,
      unitPrice: money(l.unitPrice, c),
      quantity: l.quantity,
      lineTotal: money(l.lineTotal, c),
    })),
    subtotal: money(row.subtotal, c),
    discount: money(row.discount, c),
    shipping: money(row.shipping, c),
    tax: money(row.tax, c),
    total: money(row.total, c),
    currency: c,
    discountCode: row.discountCode,
    taxRate: row.taxRateBasisPoints / 100,
    shippingMethod: { id: row.shippingMethodId, name: row.shippingMethodName },
    shippingAddress: row.shippingAddress,
    billingAddress: row.billingAddress,
    payment: {
      id: payment.id,
      status: payment.status,
      provider: payment.provider,
      ...(row.status === 'pending_payment' && payment.clientSecret
        ? { clientSecret: payment.clientSecret }
        : {}),
      paymentMethod: payment.paymentMethod ?? null,
      failure:
        row.status === 'pending_payment' && payment.failureCode
          ? { code: payment.failureCode, message: payment.failureMessage ?? '' }
          : null,
      amountRefunded: money(payment.amountRefunded ?? 0, c),
    },
    paymentDueAt: row.status === 'pending_payment' ? iso(row.paymentDueAt) : null,
    testMode: row.testMode,
    fulfilment:
      row.carrier && row.trackingNumber
        ? { carrier: row.carrier, trackingNumber: row.trackingNumber }
        : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
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
