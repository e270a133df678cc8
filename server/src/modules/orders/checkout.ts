import type { Logger } from 'pino';
import { inTransaction, type Context } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { Unprocessable } from '../../platform/errors.js';
import type { CartService } from '../cart/index.js';
import type { PaymentService } from '../payments/index.js';
import { idempotencyKeyRequired, requestHash, type Idempotency } from './idempotency.js';
import { createOrderPlacement, type Cart, type PlaceOrderDeps } from './place-order.js';
import * as repository from './checkout-repository.js';
import type { Order, PlaceOrderBody } from './schemas.js';

/** What checkout needs of the cart module: a cart's contents and version, and emptying it after. */
export type CheckoutCarts = Pick<CartService, 'document' | 'removeOrdered'>;

export interface CheckoutDeps extends PlaceOrderDeps {
  db: Db;
  carts: CheckoutCarts;
  idempotency: Idempotency;
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
 * answer (`place-order.ts`). Any failure writes none of it. The cart is emptied only after the
 * order has committed, and the provider is asked for the payment intent only then.
 */
export function createCheckout(deps: CheckoutDeps) {
  const { db } = deps;
  const placement = createOrderPlacement(deps);

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
        const cartVersion = orderId ? await repository.cartVersionOf(db, orderId) : null;
        if (orderId && cartVersion) {
          await emptyCart(ctx, body.cartId, {
            orderId,
            version: cartVersion,
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
        const known = await placement.knownMethods(ctx, body, cart);
        const checkedCart = cart;
        order = await inTransaction(db, ctx, (tx) =>
          placement.place(tx, body, checkedCart, known, {
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
