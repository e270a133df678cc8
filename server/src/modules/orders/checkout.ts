import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { writeEvent } from '../../platform/bus/outbox.js';
import { inTransaction, type Context, type TxContext } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { uuidv7 } from '../../platform/db/ids.js';
import { Unprocessable } from '../../platform/errors.js';
import type { CatalogService } from '../catalog/service.js';
import type { InventoryService } from '../inventory/service.js';
import type { PricingService } from '../pricing/service.js';
import { orderCreated } from './events.js';
import { idempotencyKeyRequired, requestHash, type Idempotency } from './idempotency.js';
import * as repository from './repository.js';
import type { Order, PlaceOrderBody } from './schemas.js';
import { toOrder, type AccessTokens } from './view.js';

/** What checkout needs of a cart: its lines and code, read with the cart's ownership rules. */
export interface CheckoutCarts {
  document(
    ctx: Context,
    cartId: string,
  ): Promise<{
    id: string;
    userId: string | null;
    items: { variantId: string; quantity: number }[];
    discountCode: string | null;
  }>;
  clear(ctx: Context, cartId: string): Promise<unknown>;
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
  paymentProvider: string;
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

  async function placeInTransaction(
    ctx: TxContext,
    body: PlaceOrderBody,
    cart: Awaited<ReturnType<CheckoutCarts['document']>>,
  ): Promise<Order & { accessToken?: string }> {
    const userId = ctx.actor?.id ?? null;
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
    const lines = cart.items.map((item) => {
      const variant = variants.get(item.variantId);
      if (!variant) throw new Error('unreachable: checked above');
      return { variant, quantity: item.quantity };
    });
    const currency = lines[0]?.variant.currency ?? 'USD';
    const quote = await deps.pricing.quote(ctx, {
      strict: true,
      currency,
      lines: lines.map((l) => ({ unitPrice: l.variant.unitPrice, quantity: l.quantity })),
      discountCode: cart.discountCode,
      shippingMethodId: body.shippingMethodId,
      country: body.shippingAddress.country,
      region: body.shippingAddress.region,
      email: body.email,
      userId,
    });
    const orderId = uuidv7();
    await deps.inventory.reserve(
      ctx,
      lines.map((l) => ({
        variantId: l.variant.variantId,
        sku: l.variant.sku,
        quantity: l.quantity,
      })),
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
    const accessToken = userId ? undefined : deps.accessTokens.issue(orderId);
    const number = await repository.insertOrder(ctx.tx, {
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
    });
    await repository.insertLines(
      ctx.tx,
      orderId,
      lines.map((l) => ({
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
    );
    await repository.insertPayment(ctx.tx, {
      orderId,
      provider: deps.paymentProvider,
      amount: quote.total,
      currency,
      clientSecret: `pi_${orderId.replaceAll('-', '')}_secret_${randomBytes(18).toString('base64url')}`,
    });
    await repository.recordHistory(ctx.tx, {
      orderId,
      from: null,
      to: 'pending_payment',
      actor: userId ? 'customer' : 'guest',
    });
    const row = await repository.findOrder(ctx.tx, orderId);
    if (!row) throw new Error(`order ${number} vanished inside its own transaction`);
    const order = toOrder(row);
    await writeEvent(ctx.tx, orderCreated, {
      orderId,
      number,
      email: body.email,
      userId,
      total: order.total,
      paymentDueAt: order.paymentDueAt ?? new Date().toISOString(),
      items: lines.map((l) => ({
        variantId: l.variant.variantId,
        sku: l.variant.sku,
        quantity: l.quantity,
        unitPrice: l.variant.unitPrice,
      })),
    });
    return accessToken ? { ...order, accessToken } : order;
  }

  return {
    async place(
      ctx: Context,
      body: PlaceOrderBody,
      idempotencyKey: string | undefined,
    ): Promise<Placed> {
      if (!idempotencyKey) throw idempotencyKeyRequired();
      const scope = ctx.actor ? `user:${ctx.actor.id}` : 'guest';
      const hash = requestHash(scope, body);
      const claim = await deps.idempotency.claim(scope, idempotencyKey, hash);
      if (claim.kind === 'replay') {
        const stored = claim.answer.body as Order;
        // The stored answer never holds the guest's token; it is derived again.
        const token =
          scope === 'guest' && claim.answer.orderId
            ? deps.accessTokens.issue(claim.answer.orderId)
            : undefined;
        return { order: token ? { ...stored, accessToken: token } : stored, replayed: true };
      }
      let order: Order;
      try {
        const cart = await deps.carts.document(ctx, body.cartId);
        if (cart.items.length === 0) {
          throw new Unprocessable('cart_empty', 'The cart is empty.');
        }
        order = await inTransaction(db, ctx, async (tx) => {
          const placed = await placeInTransaction(tx, body, cart);
          const { accessToken: _token, ...answer } = placed;
          await deps.idempotency.complete(tx.tx, scope, idempotencyKey, {
            status: 201,
            body: answer,
            orderId: placed.id,
          });
          return placed;
        });
      } catch (error) {
        await deps.idempotency.abandon(scope, idempotencyKey).catch(() => {});
        throw error;
      }
      try {
        await deps.carts.clear(ctx, body.cartId);
      } catch (error) {
        // The order stands; a cart left full is an annoyance, not a second order (it is re-priced
        // and re-reserved if the shopper checks out again).
        deps.logger?.warn({ err: error, orderId: order.id }, 'could not empty the cart');
      }
      return { order, replayed: false };
    },
  };
}

export type Checkout = ReturnType<typeof createCheckout>;
