import type { Cache } from '../../platform/cache/port.js';
import type { Actor, Context } from '../../platform/context.js';
import {
  Conflict,
  InsufficientStock,
  NotFound,
  Unauthenticated,
  Unprocessable,
} from '../../platform/errors.js';
import type { CatalogService, SaleVariant } from '../catalog/index.js';
import { InvalidDiscount, type PricingService } from '../pricing/index.js';
import { createCartStore, newLineId, versionOf, type CartDocument } from './store.js';
import { currencyOf, liveSubtotal, redeemerOf, viewCart, type CartView } from './view.js';

export const maxLineQuantity = 10;
export const maxLines = 50;

export interface CartServiceDeps {
  cache: Cache;
  catalog: CatalogService;
  pricing: PricingService;
  now?: () => Date;
}

/** A user's cart answers only to that user; a guest cart to whoever holds its unguessable id. */
const mayAccess = (ctx: Context) => (doc: CartDocument) =>
  doc.userId === null || doc.userId === ctx.actor?.id;

function assertSellable(
  variant: SaleVariant | undefined,
  variantId: string,
  quantity: number,
): asserts variant is SaleVariant {
  if (!variant?.purchasable) {
    throw new Unprocessable('item_unavailable', 'This item is not available.', { variantId });
  }
  if (quantity > maxLineQuantity) {
    throw new Unprocessable(
      'quantity_limit',
      `At most ${maxLineQuantity} of one item fit in a cart.`,
      { variantId, limit: maxLineQuantity },
    );
  }
  if (quantity > variant.available) {
    throw new InsufficientStock([
      { variantId, sku: variant.sku, requested: quantity, available: variant.available },
    ]);
  }
}

/** Carts: lines, quantities and a discount code, kept in the cache and priced live on every answer. */
export function createCartService(deps: CartServiceDeps) {
  const { catalog } = deps;
  const now = deps.now ?? (() => new Date());
  const store = createCartStore({ cache: deps.cache, now });
  const view = (ctx: Context, doc: CartDocument, known?: Map<string, SaleVariant>) =>
    viewCart(deps, ctx, doc, known);

  /**
   * The live variants of a cart (plus `extra` ids), dropping lines whose variant no longer exists:
   * every write leaves the document with only lines that can still be shown.
   */
  async function liveVariants(ctx: Context, doc: CartDocument, extra: string[] = []) {
    const variants = await catalog.saleVariants(ctx, [
      ...doc.items.map((line) => line.variantId),
      ...extra,
    ]);
    doc.items = doc.items.filter((line) => variants.has(line.variantId));
    return variants;
  }

  /** The stored cart if the caller may see it; 404 otherwise, whether or not it exists. */
  async function readable(ctx: Context, cartId: string): Promise<CartDocument> {
    const found = await store.read(cartId);
    if (!found || !mayAccess(ctx)(found.doc)) throw new NotFound('No such cart.');
    await store.renew(found.doc);
    return found.doc;
  }

  const mutate = (
    ctx: Context,
    cartId: string,
    change: (doc: CartDocument) => Promise<CartDocument | null> | CartDocument | null,
  ) => store.mutate(cartId, mayAccess(ctx), change);

  /** The user's cart, created and bound on first use; two first uses at once end up with one cart. */
  async function userCart(actor: Actor): Promise<CartDocument> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await store.userCartId(actor.id);
      if (current) {
        const existing = await store.load(current);
        if (existing?.userId === actor.id) return existing;
      }
      const created = await store.insert(actor.id);
      if (await store.bindUser(actor.id, current, created.id)) return created;
      // Another request bound a cart first: use that one, and leave no orphan behind.
      await store.remove(created.id);
    }
    throw new Conflict('cart_busy', 'The cart is being changed elsewhere; try again.');
  }

  function lineOf(doc: CartDocument, itemId: string) {
    const line = doc.items.find((candidate) => candidate.id === itemId);
    if (!line) throw new NotFound('No such line in this cart.');
    return line;
  }

  return {
    async create(ctx: Context): Promise<CartView> {
      const doc = ctx.actor ? await userCart(ctx.actor) : await store.insert(null);
      return view(ctx, doc);
    },

    async get(ctx: Context, cartId: string): Promise<CartView> {
      return view(ctx, await readable(ctx, cartId));
    },

    /** The stored lines and code, unpriced: for checkout, which prices them in its own transaction. */
    /** The stored cart and its version, unpriced (for checkout), with the same 404 rules. */
    document: async (ctx: Context, cartId: string): Promise<CartDocument & { version: string }> => {
      const doc = await readable(ctx, cartId);
      return { ...doc, version: versionOf(doc) };
    },

    async addItem(
      ctx: Context,
      cartId: string,
      input: { variantId: string; quantity: number },
    ): Promise<CartView> {
      let variants: Map<string, SaleVariant> | undefined;
      const saved = await mutate(ctx, cartId, async (cart) => {
        variants = await liveVariants(ctx, cart, [input.variantId]);
        const variant = variants.get(input.variantId);
        const line = cart.items.find((candidate) => candidate.variantId === input.variantId);
        const quantity = (line?.quantity ?? 0) + input.quantity;
        assertSellable(variant, input.variantId, quantity);
        if (line) {
          line.quantity = quantity;
          line.seenUnitPrice = variant.unitPrice;
        } else {
          if (cart.items.length >= maxLines) {
            throw new Unprocessable('cart_full', `A cart holds at most ${maxLines} lines.`, {
              limit: maxLines,
            });
          }
          cart.items.push({
            id: newLineId(),
            variantId: input.variantId,
            quantity,
            seenUnitPrice: variant.unitPrice,
            addedAt: now().toISOString(),
          });
        }
        return cart;
      });
      return view(ctx, saved, variants);
    },

    /** Set a line's quantity; 0 removes it. */
    async updateItem(
      ctx: Context,
      cartId: string,
      itemId: string,
      quantity: number,
    ): Promise<CartView> {
      let variants: Map<string, SaleVariant> | undefined;
      const saved = await mutate(ctx, cartId, async (cart) => {
        variants = await liveVariants(ctx, cart);
        const line = lineOf(cart, itemId);
        if (quantity === 0) {
          cart.items = cart.items.filter((candidate) => candidate !== line);
          return cart;
        }
        const variant = variants.get(line.variantId);
        assertSellable(variant, line.variantId, quantity);
        line.quantity = quantity;
        line.seenUnitPrice = variant.unitPrice;
        return cart;
      });
      return view(ctx, saved, variants);
    },

    async removeItem(ctx: Context, cartId: string, itemId: string): Promise<CartView> {
      const saved = await mutate(ctx, cartId, async (cart) => {
        await liveVariants(ctx, cart);
        const line = lineOf(cart, itemId);
        cart.items = cart.items.filter((candidate) => candidate !== line);
        return cart;
      });
      return view(ctx, saved);
    },

    /** Keep a code that applies to the cart as it is now; `InvalidDiscount` (and nothing stored) if not. */
    async applyDiscount(ctx: Context, cartId: string, code: string): Promise<CartView> {
      const trimmed = code.trim();
      if (!trimmed) throw new InvalidDiscount('unknown');
      const current = await readable(ctx, cartId);
      const variants = await catalog.saleVariants(
        ctx,
        current.items.map((line) => line.variantId),
      );
      const discount = await deps.pricing.discounts.check(ctx, trimmed, {
        subtotal: liveSubtotal(current, variants),
        currency: currencyOf(variants),
        userId: redeemerOf(ctx, current),
      });
      // Kept as the store spells it, so the order shows the code the team created. The cart may
      // change after the check: answers are quoted leniently and say if it stops applying.
      const saved = await mutate(ctx, cartId, (cart) => ({ ...cart, discountCode: discount.code }));
      return view(ctx, saved);
    },

    async removeDiscount(ctx: Context, cartId: string): Promise<CartView> {
      const saved = await mutate(ctx, cartId, (cart) => ({ ...cart, discountCode: null }));
      return view(ctx, saved);
    },

    /**
     * On sign-in, move a guest cart's lines into the user's cart: quantities add up per variant, each
     * capped at what may be bought; the guest's code is kept if the user has none. The guest cart is
     * claimed first (so two sign-ins cannot merge it twice) and put back if the merge fails.
     */
    async mergeGuestCart(ctx: Context, guestCartId: string): Promise<CartView> {
      const actor = ctx.actor;
      if (!actor) throw new Unauthenticated();
      const target = await userCart(actor);
      const guest = guestCartId === target.id ? null : await store.read(guestCartId);
      if (!guest || guest.doc.userId !== null) return view(ctx, target);
      const claim = await store.claim(guest.doc, guest.raw, actor.id);
      // Changed meanwhile (the guest still adding, or another sign-in merging): leave it alone.
      if (!claim) return view(ctx, target);
      let merged: CartDocument;
      try {
        merged = await store.mutate(
          target.id,
          (cart) => cart.userId === actor.id,
          async (cart) => {
            const variants = await liveVariants(
              ctx,
              cart,
              guest.doc.items.map((line) => line.variantId),
            );
            for (const incoming of guest.doc.items) {
              const variant = variants.get(incoming.variantId);
              if (!variant?.purchasable) continue;
              const cap = Math.min(maxLineQuantity, variant.available);
              const line = cart.items.find(
                (candidate) => candidate.variantId === variant.variantId,
              );
              if (line) {
                // The user's own line is never lowered by a merge, only topped up.
                line.quantity = Math.max(
                  line.quantity,
                  Math.min(line.quantity + incoming.quantity, cap),
                );
              } else if (cart.items.length < maxLines && Math.min(incoming.quantity, cap) > 0) {
                cart.items.push({ ...incoming, quantity: Math.min(incoming.quantity, cap) });
              }
            }
            cart.discountCode ??= guest.doc.discountCode;
            return cart;
          },
        );
      } catch (error) {
        await claim.undo();
        throw error;
      }
      await claim.remove();
      return view(ctx, merged);
    },

    /** Empty a cart. */
    async clear(ctx: Context, cartId: string): Promise<void> {
      await mutate(ctx, cartId, (cart) => ({ ...cart, items: [], discountCode: null }));
    },

    /**
     * After order `orderId` was placed from `version` of this cart: a cart still holding exactly that
     * is emptied; one changed meanwhile (another tab added a line) loses only what was ordered and
     * keeps the rest. The order's id is remembered in the cart, so doing it again (a replayed request
     * finishing a job a crash interrupted) takes nothing out twice.
     */
    async removeOrdered(
      ctx: Context,
      cartId: string,
      order: {
        orderId: string;
        version: string;
        lines: { variantId: string; quantity: number }[];
        discountCode: string | null;
      },
    ): Promise<void> {
      await mutate(ctx, cartId, (cart) => {
        if (cart.orderedIds?.includes(order.orderId)) return null;
        const orderedIds = [...(cart.orderedIds ?? []), order.orderId].slice(-20);
        if (versionOf(cart) === order.version) {
          return { ...cart, items: [], discountCode: null, orderedIds };
        }
        const ordered = new Map<string, number>();
        for (const line of order.lines) {
          ordered.set(line.variantId, (ordered.get(line.variantId) ?? 0) + line.quantity);
        }
        const items = cart.items.flatMap((line) => {
          const taken = Math.min(ordered.get(line.variantId) ?? 0, line.quantity);
          ordered.set(line.variantId, (ordered.get(line.variantId) ?? 0) - taken);
          return line.quantity > taken ? [{ ...line, quantity: line.quantity - taken }] : [];
        });
        const discountCode =
          order.discountCode !== null && cart.discountCode === order.discountCode
            ? null
            : cart.discountCode;
        return { ...cart, items, discountCode, orderedIds };
      });
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
