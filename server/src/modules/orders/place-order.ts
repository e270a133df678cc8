import type { Context, TxContext } from '../../platform/context.js';
import { Conflict, InsufficientStock, Unprocessable } from '../../platform/errors.js';
import type { CartService } from '../cart/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { PaymentService } from '../payments/index.js';
import type { KnownMethods, PricingService } from '../pricing/index.js';
import { draftOrder, numberedOrder, type PricedCart } from './order-draft.js';
import * as repository from './checkout-repository.js';
import type { Order, PlaceOrderBody } from './schemas.js';
import type { AccessTokens } from './view.js';

/** Unpaid orders one email (or account) may hold at once: more is someone hoarding stock. */
export const maxUnpaidOrders = 5;

export type Cart = Awaited<ReturnType<CartService['document']>>;

/** The idempotency claim the order's answer is stored under, by its holder only. */
export interface AnswerKey {
  scope: string;
  key: string;
  holder: string;
}

function refusal(reason: repository.Refusal) {
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
    case 'claim_lost':
      return new Conflict(
        'idempotency_key_in_use',
        'Another request took over this Idempotency-Key; retry to get its answer.',
      );
  }
}

export interface PlaceOrderDeps {
  catalog: CatalogService;
  inventory: InventoryService;
  pricing: PricingService;
  accessTokens: AccessTokens;
  paymentTimeoutSeconds: number;
  /** The store takes test money only: its orders are recorded as test orders. */
  testMode: boolean;
  payments: Pick<PaymentService, 'providerName'>;
}

/**
 * The order's walk inside its transaction, in four steps over plain data: price (the cart at live
 * prices, refused when a line is already short), build (the order as it will be written), write
 * (the order, its lines, payment, event and stored answer in one statement), reserve (the stock,
 * then the discount's use). Any failure rolls all of it back.
 */
export function createOrderPlacement(deps: PlaceOrderDeps) {
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
    lines: PricedCart['lines'],
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
   * Price: prices, stock and the code are read again inside the transaction: this is what is sold.
   * A line sold out already is refused before anything is written. The reservation stays the guard;
   * this only spares a sell-out's many refusals the order's writes and their rollback. A second
   * click on an order that just took the last units is told so, not that the item is sold out.
   */
  async function price(
    ctx: TxContext,
    body: PlaceOrderBody,
    cart: Cart,
    known: KnownMethods | undefined,
  ): Promise<PricedCart> {
    const lines = await pricedLines(ctx, cart);
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
    return { lines, currency, quote: await quoteFor(ctx, body, cart, lines, known) };
  }

  /** Write: the order under a number drawn now (again in the rare case it is taken). */
  async function write(
    ctx: TxContext,
    order: repository.NewOrder,
    answerKey: AnswerKey,
  ): Promise<Order> {
    for (;;) {
      const number = repository.newOrderNumber();
      const { view, event } = numberedOrder(order, number);
      const outcome = await repository.insertOrder(ctx.tx, {
        order,
        number,
        actor: order.userId ? 'customer' : 'guest',
        maxUnpaid: maxUnpaidOrders,
        event,
        answer: { ...answerKey, body: view },
      });
      if (outcome === 'written') return view;
      if (outcome !== 'number_taken') throw refusal(outcome);
    }
  }

  /** Reserve: stock last, so a popular variant's row is locked only for this, its event and the commit. */
  async function reserve(
    ctx: TxContext,
    order: repository.NewOrder,
    discountCode: string | null,
  ): Promise<void> {
    await deps.inventory.reserve(
      ctx,
      order.lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
      order.id,
    );
    if (discountCode) {
      await deps.pricing.discounts.redeem(ctx, discountCode, {
        orderId: order.id,
        subtotal: order.subtotal,
        currency: order.currency,
        email: order.email,
        userId: order.userId,
      });
    }
  }

  return {
    /**
     * A remote carrier's shipping methods, asked for before the transaction so no connection or
     * lock waits on the network; the transaction reuses them if the subtotal is the same.
     */
    async knownMethods(ctx: Context, body: PlaceOrderBody, cart: Cart) {
      if (!deps.pricing.shippingRatesAreRemote) return undefined;
      return (await quoteFor(ctx, body, cart, await pricedLines(ctx, cart))).shippingMethods;
    },

    /**
     * The walk, in the order's transaction. Everything but the stock first, the stock last: the
     * order's rows, its event and the stored answer are written before the stock rows are locked. A
     * short line still rolls all of it back.
     */
    async place(
      ctx: TxContext,
      body: PlaceOrderBody,
      cart: Cart,
      known: KnownMethods | undefined,
      answerKey: AnswerKey,
    ): Promise<Order & { accessToken?: string }> {
      const userId = ctx.actor?.id ?? null;
      // Serialises the customer's checkouts (the unpaid-order limit) and reads the database's clock.
      const createdAt = await repository.lockCustomer(ctx.tx, { userId, email: body.email });
      const priced = await price(ctx, body, cart, known);
      const { order, accessToken } = draftOrder({
        body,
        cart,
        priced,
        userId,
        createdAt,
        paymentTimeoutSeconds: deps.paymentTimeoutSeconds,
        testMode: deps.testMode,
        paymentProvider: deps.payments.providerName,
        accessTokens: deps.accessTokens,
      });
      const placed = await write(ctx, order, answerKey);
      await reserve(ctx, order, cart.discountCode);
      return accessToken ? { ...placed, accessToken } : placed;
    },
  };
}
