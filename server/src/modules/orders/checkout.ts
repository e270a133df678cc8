import type { Logger } from 'pino';
import { outboxRow } from '../../platform/bus/outbox.js';
import { inTransaction, type Context, type TxContext } from '../../platform/context.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import type { orders } from './tables.js';
import { uuidv7 } from '../../platform/db/ids.js';
import { Conflict, InsufficientStock, Unprocessable } from '../../platform/errors.js';
import type { CartService } from '../cart/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { PaymentService } from '../payments/index.js';
import type { KnownMethods, PricingService } from '../pricing/index.js';
import { orderCreated } from './events.js';
import { idempotencyKeyRequired, requestHash, type Idempotency } from './idempotency.js';
import * as repository from './repository.js';
import type { Order, PlaceOrderBody } from './schemas.js';
import { toOrder, type AccessTokens } from './view.js';

/** What checkout needs of the cart module: a cart's contents and version, and emptying it after. */
export type CheckoutCarts = Pick<CartService, 'document' | 'removeOrdered'>;

/** Unpaid orders one email (or account) may hold at once: more is someone hoarding stock. */
export const maxUnpaidOrders = 5;

function refusal(reason: repository.Refusal | undefined) {
  switch (reason) {
    case 'cart_already_ordered':
      return new Conflict(
        'cart_already_ordered',
        'An order was just placed from this cart; look for it before ordering again.',
      );
    case 'too_many_unpaid_orders':
      return new Conflict(
        'too_many_unpaid_orders',
        `There are already ${maxUnpaidOrders} unpaid orders for this customer; pay or cancel one first.`,
      );
    default:
      return new Conflict(
        'idempotency_key_in_use',
        'Another request took over this Idempotency-Key; retry to get its answer.',
      );
  }
}

export interface CheckoutDeps {
  db: Db;
  catalog: CatalogService;
  inventory: InventoryService;
  pricing: PricingService;
  carts: CheckoutCarts;
  idempotency: Idempotency;
  accessTokens: AccessTokens;
  paymentTimeoutSeconds: number;
  /** The store takes test money only: its orders are recorded as test orders. */
  testMode: boolean;
  /** The payment provider's intent for an order, asked for once the order has committed. */
  payments: Pick<PaymentService, 'providerName' | 'ensureIntent'>;
  logger?: Logger;
}

export interface Placed {
  order: Order;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Placing an order. One transaction re-prices the cart from the catalog, reserves every line (in
 * variant order, so two checkouts never deadlock), counts the discount's use, and writes the order,
 * its lines, the address snapshots, the payment row, the `order_created` event and the idempotency
 * answer. Any failure writes none of it. The cart is emptied only after the order has committed.
 */
export function createCheckout(deps: CheckoutDeps) {
  const { db } = deps;

  type Cart = Awaited<ReturnType<CheckoutCarts['document']>>;

  /** Lines at live prices; lines that can no longer be bought are refused together. */
  async function pricedLines(ctx: Context, cart: Cart) {
    const variants = await deps.catalog.saleVariants(
      ctx,
      cart.items.map((item) => item.variantId),
    );
    const unavailable = cart.items.filter((item) => !variants.get(item.variantId)?.purchasable);
    if (unavailable.length > 0) {
      throw new Unprocessable(
        'item_unavailable',
        'Some items in the cart can no longer be bought; remove them and try again.',
        { variantIds: unavailable.map((item) => item.variantId) },
      );
    }
    return cart.items.map((item) => {
      const variant = variants.get(item.variantId);
      if (!variant) throw new Error('unreachable: checked above');
      return { variant, quantity: item.quantity };
    });
  }

  function quoteFor(
    ctx: Context,
    body: PlaceOrderBody,
    cart: Cart,
    lines: Awaited<ReturnType<typeof pricedLines>>,
    known?: KnownMethods,
  ) {
    return deps.pricing.quote(
      ctx,
      {
        strict: true,
        currency: lines[0]?.variant.currency ?? 'USD',
        lines: lines.map((l) => ({ unitPrice: l.variant.unitPrice, quantity: l.quantity })),
        discountCode: cart.discountCode,
        shippingMethodId: body.shippingMethodId,
        country: body.shippingAddress.country,
        region: body.shippingAddress.region,
        email: body.email,
        userId: ctx.actor?.id ?? null,
      },
      known,
    );
  }

  /**
   * Everything but the stock first, the stock last: the order's rows, its event and the stored
   * answer are written before the stock rows are locked, so a popular variant's row is held only for
   * the reservation, its event and the commit. A short line still rolls all of it back.
   */
  async function placeInTransaction(
    ctx: TxContext,
    body: PlaceOrderBody,
    cart: Cart,
    known: KnownMethods | undefined,
    answerKey: { scope: string; key: string; holder: string },
  ): Promise<Order & { accessToken?: string }> {
    const userId = ctx.actor?.id ?? null;
    // Prices, stock and the code are read again inside the transaction: this is what is sold.
    const createdAt = await repository.lockCustomer(ctx.tx, { userId, email: body.email });
    const lines = await pricedLines(ctx, cart);
    // Sold out already: refuse before writing anything. The reservation below stays the guard; this
    // only spares a sell-out's many refusals the order's writes and their rollback. A second click
    // on an order that just took the last units is told so, not that the item is sold out.
    const short = lines
      .filter((l) => l.variant.available < l.quantity)
      .sort((a, b) => (a.variant.variantId < b.variant.variantId ? -1 : 1));
    if (short.length > 0) {
      if (await repository.cartOrdered(ctx.tx, cart.id, cart.version))
        throw refusal('cart_already_ordered');
      throw new InsufficientStock(
        short.map((l) => ({
          variantId: l.variant.variantId,
          sku: l.variant.sku,
          requested: l.quantity,
          available: l.variant.available,
        })),
      );
    }
    const currency = lines[0]?.variant.currency ?? 'USD';
    const quote = await quoteFor(ctx, body, cart, lines, known);
    const orderId = uuidv7();
    const accessToken = userId ? undefined : deps.accessTokens.issue(orderId);
    const newLines = lines.map((l) => ({
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
    }));
    const payment = {
      id: uuidv7(),
      provider: deps.payments.providerName,
    };
    const newOrder = {
      id: orderId,
      userId,
      email: body.email,
      currency,
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
      accessTokenHash: accessToken ? deps.accessTokens.hash(accessToken) : null,
      paymentTimeoutSeconds: deps.paymentTimeoutSeconds,
      cartId: cart.id,
      cartVersion: cart.version,
      testMode: deps.testMode,
    };
    const paymentDueAt = new Date(createdAt.getTime() + deps.paymentTimeoutSeconds * 1000);
    // The answer from what is being written: no need to read the order back.
    const answerFor = (number: string): Order =>
      toOrder({
        ...newOrder,
        number,
        status: 'pending_payment',
        user_id: userId,
        discount_code: newOrder.discountCode,
        shipping_method_id: newOrder.shippingMethodId,
        shipping_method_name: newOrder.shippingMethodName,
        tax_rate_bp: newOrder.taxRateBasisPoints,
        shipping_address: newOrder.shippingAddress,
        billing_address: newOrder.billingAddress,
        access_token_hash: newOrder.accessTokenHash,
        payment_due_at: paymentDueAt,
        carrier: null,
        tracking_number: null,
        test_mode: newOrder.testMode,
        created_at: createdAt,
        updated_at: createdAt,
        lines: newLines.map((l) => ({
          id: l.id,
          variant_id: l.variantId,
          sku: l.sku,
          product_slug: l.productSlug,
          name: l.name,
          size: l.size,
          color: l.color,
          image_url: l.imageUrl,
          unit_price: l.unitPrice,
          quantity: l.quantity,
          line_total: l.unitPrice * l.quantity,
        })),
        payment: {
          id: payment.id,
          status: 'pending',
          provider: payment.provider,
          client_secret: null,
        },
      });
    let order: Order | undefined;
    const inserted = await repository.insertOrder(
      ctx.tx,
      newOrder,
      newLines,
      payment,
      { actor: userId ? 'customer' : 'guest' },
      maxUnpaidOrders,
      { createdAt, paymentDueAt },
      (number) => {
        order = answerFor(number);
        return {
          event: outboxRow(orderCreated, {
            orderId,
            number,
            testMode: newOrder.testMode,
            email: body.email,
            userId,
            total: order.total,
            paymentDueAt: paymentDueAt.toISOString(),
            items: newLines.map((l) => ({
              variantId: l.variantId,
              sku: l.sku,
              quantity: l.quantity,
              unitPrice: l.unitPrice,
            })),
          }),
          answer: { ...answerKey, body: order },
        };
      },
    );
    if (inserted.refused !== undefined || !order) throw refusal(inserted.refused);
    // Stock last: the popular variant's row is locked for the reservation, its event and the commit.
    await deps.inventory.reserve(
      ctx,
      newLines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
      orderId,
    );
    if (cart.discountCode) {
      await deps.pricing.discounts.redeem(ctx, cart.discountCode, {
        orderId,
        subtotal: quote.subtotal,
        currency,
        email: body.email,
        userId,
      });
    }
    return accessToken ? { ...order, accessToken } : order;
  }

  /**
   * The order with its payment intent's client secret. The provider is asked only now, after the
   * commit, so no transaction or lock waits on it; if it cannot be reached, the order is answered
   * without a secret and reading the order later asks again.
   */
  async function withPaymentIntent(
    ctx: Context,
    order: Order,
    returnOrigin: string | undefined,
  ): Promise<Order> {
    if (order.status !== 'pending_payment') return order;
    const clientSecret = await deps.payments.ensureIntent(
      { actor: ctx.actor },
      order.id,
      returnOrigin,
    );
    return clientSecret ? { ...order, payment: { ...order.payment, clientSecret } } : order;
  }

  /** Take what was ordered out of the cart; the order stands whatever happens here. */
  async function emptyCart(
    ctx: Context,
    cartId: string,
    order: {
      orderId: string;
      version: string;
      lines: { variantId: string; quantity: number }[];
      discountCode: string | null;
    },
  ) {
    try {
      await deps.carts.removeOrdered(ctx, cartId, order);
    } catch (error) {
      deps.logger?.warn({ err: error, orderId: order.orderId }, 'could not empty the cart');
    }
  }

  return {
    /** `returnOrigin`: where the shopper's browser is, for the page after paying (ensureIntent). */
    async place(
      ctx: Context,
      body: PlaceOrderBody,
      idempotencyKey: string | undefined,
      returnOrigin?: string,
    ): Promise<Placed> {
      if (!idempotencyKey) throw idempotencyKeyRequired();
      // A guest's keys are scoped to the cart: two guests choosing the same key never meet.
      const scope = ctx.actor ? `user:${ctx.actor.id}` : `guest:${body.cartId}`;
      const hash = requestHash(scope, body);
      const claim = await deps.idempotency.claim(scope, idempotencyKey, hash);
      if (claim.kind === 'replay') {
        const stored = claim.answer.body as Order;
        const orderId = claim.answer.orderId;
        // After a crash between the commit and emptying the cart, the retry finishes the job (the
        // cart remembers orders already taken out, so this takes nothing out twice).
        const [origin] = orderId
          ? await queryRows<Row<typeof orders, 'cart_version'>>(
              db,
              sql`SELECT cart_version FROM orders WHERE id = ${orderId}::uuid`,
            )
          : [];
        if (orderId && origin?.cart_version) {
          await emptyCart(ctx, body.cartId, {
            orderId,
            version: origin.cart_version,
            lines: stored.items.map((item) => ({
              variantId: item.variantId,
              quantity: item.quantity,
            })),
            discountCode: stored.discountCode,
          });
        }
        // The stored answer never holds the guest's token; it is derived again. Its payment is
        // the one the order has now: the intent may have been created after the answer was stored.
        const token = !ctx.actor && orderId ? deps.accessTokens.issue(orderId) : undefined;
        const withIntent = orderId ? await withPaymentIntent(ctx, stored, returnOrigin) : stored;
        return {
          order: token ? { ...withIntent, accessToken: token } : withIntent,
          replayed: true,
        };
      }
      let order: Order;
      let cart: Cart;
      try {
        cart = await deps.carts.document(ctx, body.cartId);
        if (cart.items.length === 0) {
          throw new Unprocessable('cart_empty', 'The cart is empty.');
        }
        // A carrier's rates are asked for before the transaction, so no connection or lock waits on
        // the network; the transaction re-checks prices and reuses them if the subtotal is the same.
        const known = deps.pricing.shippingRatesAreRemote
          ? (await quoteFor(ctx, body, cart, await pricedLines(ctx, cart))).shippingMethods
          : undefined;
        const checkedCart = cart;
        order = await inTransaction(db, ctx, (tx) =>
          placeInTransaction(tx, body, checkedCart, known, {
            scope,
            key: idempotencyKey,
            holder: claim.holder,
          }),
        );
      } catch (error) {
        await deps.idempotency.abandon(scope, idempotencyKey, claim.holder).catch(() => {});
        throw error;
      }
      await emptyCart(ctx, body.cartId, {
        orderId: order.id,
        version: cart.version,
        lines: cart.items,
        discountCode: cart.discountCode,
      });
      return { order: await withPaymentIntent(ctx, order, returnOrigin), replayed: false };
    },
  };
}

export type Checkout = ReturnType<typeof createCheckout>;
