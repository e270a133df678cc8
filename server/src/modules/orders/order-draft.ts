import { outboxRow } from '../../platform/bus/outbox.js';
import { uuidv7 } from '../../platform/db/ids.js';
import type { CatalogService } from '../catalog/index.js';
import type { Quote } from '../pricing/index.js';
import { orderCreated } from './events.js';
import type { NewOrder } from './checkout-repository.js';
import type { OrderRow } from './repository.js';
import type { Order, PlaceOrderBody } from './schemas.js';
import { toOrder, type AccessTokens } from './view.js';

type SaleVariants = Awaited<ReturnType<CatalogService['saleVariants']>>;
export type SaleVariant = NonNullable<ReturnType<SaleVariants['get']>>;

/** What is sold: the cart's lines at live prices and stock, and the totals quoted for them. */
export interface PricedCart {
  lines: { variant: SaleVariant; quantity: number }[];
  currency: string;
  quote: Quote;
}

export interface DraftInput {
  body: PlaceOrderBody;
  cart: { id: string; version: string; discountCode: string | null };
  priced: PricedCart;
  userId: string | null;
  /** The database's clock when the customer's lock was taken: the order's time. */
  createdAt: Date;
  paymentTimeoutSeconds: number;
  testMode: boolean;
  paymentProvider: string;
  accessTokens: AccessTokens;
}

/**
 * The order to write, as plain data: a snapshot of the lines, prices and addresses, with its ids
 * drawn. Only its number is left, drawn when it is written. A guest's access token is made here
 * from the order's id; only its hash goes into the order.
 */
export function draftOrder(input: DraftInput): {
  order: NewOrder;
  accessToken: string | undefined;
} {
  const { body, cart, priced, userId, createdAt } = input;
  const { quote } = priced;
  const id = uuidv7();
  const accessToken = userId ? undefined : input.accessTokens.issue(id);
  const order: NewOrder = {
    id,
    userId,
    email: body.email,
    currency: priced.currency,
    subtotal: quote.subtotal,
    discount: quote.discount,
    shipping: quote.shipping,
    tax: quote.tax,
    total: quote.total,
    discountCode: quote.discount > 0 ? cart.discountCode : null,
    shippingMethodId: quote.shippingMethod?.id ?? body.shippingMethodId,
    shippingMethodName: quote.shippingMethod?.name ?? body.shippingMethodId,
    taxRateBasisPoints: quote.taxRateBasisPoints,
    shippingAddress: body.shippingAddress,
    billingAddress: body.billingAddress ?? null,
    accessTokenHash: accessToken ? input.accessTokens.hash(accessToken) : null,
    testMode: input.testMode,
    cartId: cart.id,
    cartVersion: cart.version,
    createdAt,
    paymentDueAt: new Date(createdAt.getTime() + input.paymentTimeoutSeconds * 1000),
    lines: priced.lines.map((l) => ({
      id: uuidv7(),
      variantId: l.variant.variantId,
      sku: l.variant.sku,
      productSlug: l.variant.productSlug,
      name: l.variant.name,
      size: l.variant.size,
      color: l.variant.color,
      imageUrl: l.variant.image?.url ?? null,
      unitPrice: l.variant.unitPrice,
      quantity: l.quantity,
    })),
    payment: { id: uuidv7(), provider: input.paymentProvider },
  };
  return { order, accessToken };
}

/**
 * The order under its number as its customer will see it (the stored answer: no need to read the
 * order back), and its `order_created` event.
 */
export function numberedOrder(order: NewOrder, number: string) {
  const row: OrderRow = {
    ...order,
    number,
    status: 'pending_payment',
    carrier: null,
    trackingNumber: null,
    updatedAt: order.createdAt,
    lines: order.lines.map((l) => ({ ...l, lineTotal: l.unitPrice * l.quantity })),
    payment: { ...order.payment, status: 'pending', clientSecret: null },
  };
  const view: Order = toOrder(row);
  const event = outboxRow(orderCreated, {
    orderId: order.id,
    number,
    testMode: order.testMode,
    email: order.email,
    userId: order.userId,
    total: view.total,
    paymentDueAt: order.paymentDueAt.toISOString(),
    items: order.lines.map((l) => ({
      variantId: l.variantId,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
    })),
  });
  return { view, event };
}
