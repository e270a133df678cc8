import type { Context } from '../../platform/context.js';
import type { Money } from '../../platform/money.js';
import type { CatalogService, SaleVariant } from '../catalog/index.js';
import type { DiscountRefusal, PricingService } from '../pricing/index.js';
import type { CartDocument } from './store.js';

/** The store sells in one currency; an empty cart still needs one to show its zero totals in. */
export const storeCurrency = 'USD';

export interface CartItemView {
  id: string;
  variantId: string;
  sku: string;
  productSlug: string;
  name: string;
  size: string;
  color: string;
  image: { url: string; alt: string } | null;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
  available: number;
  priceChanged: boolean;
  purchasable: boolean;
}

export interface CartView {
  id: string;
  items: CartItemView[];
  itemCount: number;
  discountCode: string | null;
  discountProblem: { reason: DiscountRefusal } | null;
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
  currency: string;
  updatedAt: string;
}

export const currencyOf = (variants: Map<string, SaleVariant>) =>
  variants.values().next().value?.currency ?? storeCurrency;

/** Whose past redemptions a code is checked against: the cart's owner, or whoever is signed in. */
export const redeemerOf = (ctx: Context, doc: CartDocument) => doc.userId ?? ctx.actor?.id ?? null;

/** What the purchasable lines cost at live prices: the base a discount code is checked against. */
export function liveSubtotal(doc: CartDocument, variants: Map<string, SaleVariant>): number {
  return doc.items.reduce((sum, line) => {
    const variant = variants.get(line.variantId);
    return variant?.purchasable ? sum + variant.unitPrice * line.quantity : sum;
  }, 0);
}

/**
 * A cart as the shopper sees it: every price, stock figure and total read live from the catalog and
 * pricing, never from the stored document. Lines whose variant no longer exists are left out here and
 * dropped from the document on its next write.
 */
export async function viewCart(
  deps: { catalog: CatalogService; pricing: PricingService },
  ctx: Context,
  doc: CartDocument,
  /** Variants read for the write that produced `doc`, moments ago: no need to read them again. */
  known?: Map<string, SaleVariant>,
): Promise<CartView> {
  const variants =
    known && doc.items.every((line) => known.has(line.variantId))
      ? known
      : await deps.catalog.saleVariants(
          ctx,
          doc.items.map((line) => line.variantId),
        );
  const currency = currencyOf(variants);
  const money = (amount: number): Money => ({ amount, currency });
  const items: CartItemView[] = [];
  for (const line of doc.items) {
    const variant = variants.get(line.variantId);
    if (!variant) continue;
    items.push({
      id: line.id,
      variantId: line.variantId,
      sku: variant.sku,
      productSlug: variant.productSlug,
      name: variant.name,
      size: variant.size,
      color: variant.color,
      image: variant.image,
      unitPrice: money(variant.unitPrice),
      quantity: line.quantity,
      lineTotal: money(variant.unitPrice * line.quantity),
      available: variant.purchasable ? variant.available : 0,
      priceChanged: variant.unitPrice !== line.seenUnitPrice,
      purchasable: variant.purchasable,
    });
  }
  const quote = await deps.pricing.quote(ctx, {
    currency,
    lines: items
      .filter((item) => item.purchasable)
      .map((item) => ({ unitPrice: item.unitPrice.amount, quantity: item.quantity })),
    discountCode: doc.discountCode,
    // Lenient: a code that stopped applying (the cart shrank below its minimum) stays, and says why.
    strict: false,
    userId: redeemerOf(ctx, doc),
  });
  return {
    id: doc.id,
    items,
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    discountCode: doc.discountCode,
    discountProblem: quote.discountRefusal ? { reason: quote.discountRefusal } : null,
    subtotal: money(quote.subtotal),
    discount: money(quote.discount),
    shipping: money(quote.shipping),
    // Tax depends on the address, which a cart does not have: checkout computes it.
    tax: money(0),
    total: money(quote.total - quote.tax),
    currency,
    updatedAt: doc.updatedAt,
  };
}
