import { Conflict, ValidationFailed } from '../../../platform/errors.js';
import type * as repo from './admin-repository.js';
import type { ProductCreateInput, ProductPatch } from './admin-schemas.js';
import { productLimits } from '../field-rules.js';

/** The rules of the store team's catalog writes that need no database: slugs, SKUs, prices. */

/** A URL slug from a product name: "Trail Runner 2 – Men's" → "trail-runner-2-mens". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

const skuPart = (text: string) => slugify(text).toUpperCase();

/** The SKU of a variant made from colours × sizes: "TRAIL-RUNNER-2-BLACK-M". */
const gridSku = (slug: string, color: string, size: string) =>
  [skuPart(slug).slice(0, 60).replace(/-+$/, ''), skuPart(color), skuPart(size)].join('-');

export interface NewVariant {
  sku: string;
  size: string;
  color: string;
  price: number;
  compareAtPrice: number | null;
  onHand: number;
}

/** The variants a create asks for: as listed, or one per colour and size at the product's price. */
export function variantsToCreate(input: ProductCreateInput, slug: string): NewVariant[] {
  if (input.variants) {
    return input.variants.map((v) => ({
      sku: v.sku,
      size: v.size,
      color: v.color,
      // A variant without its own price takes the product's, markdown included.
      price: v.price ?? input.price,
      compareAtPrice:
        v.price === undefined ? (input.compareAtPrice ?? null) : (v.compareAtPrice ?? null),
      onHand: v.onHand,
    }));
  }
  return (input.colors ?? []).flatMap((color) =>
    (input.sizes ?? []).map((size) => ({
      sku: gridSku(slug, color, size),
      size,
      color,
      price: input.price,
      compareAtPrice: input.compareAtPrice ?? null,
      onHand: input.onHand ?? 0,
    })),
  );
}

export const skuTaken = (skus: string[]) =>
  new Conflict(
    'sku_taken',
    skus.length === 1 ? `The SKU ${skus[0]} is already in use.` : 'These SKUs are already in use.',
    { skus },
  );

/** A product's or a category's slug that another one holds. */
export const slugTaken = (slug: string, of: 'product' | 'category' = 'product') =>
  new Conflict('slug_taken', `The ${of} slug ${slug} is already in use.`, { slug });

/** `colors` and `sizes` in an update set the display order; the variants decide which there are. */
export function assertReorder(
  field: 'colors' | 'sizes',
  given: string[] | undefined,
  current: string[],
) {
  if (!given) return;
  if (given.length === current.length && current.every((value) => given.includes(value))) return;
  throw new ValidationFailed([
    {
      path: `body.${field}`,
      message: `must list exactly the product's ${field} (${current.join(', ')}) in a new order; add or change variants to change which there are`,
    },
  ]);
}

/** A product-wide price or markdown must leave every variant's compare-at price above its price. */
export function assertPricesHold(before: repo.AdminProductRow, patch: ProductPatch) {
  if (patch.price === undefined && patch.compareAtPrice === undefined) return;
  const short = before.variants.filter((v) => {
    const price = patch.price ?? v.price_amount;
    const compareAt =
      patch.compareAtPrice === undefined ? v.compare_at_amount : patch.compareAtPrice;
    return compareAt !== null && compareAt <= price;
  });
  if (short.length === 0) return;
  throw new ValidationFailed([
    {
      path: 'body.compareAtPrice',
      message: `would not be above the price of ${short.map((v) => v.sku).join(', ')}; send a higher compareAtPrice, or null to end the markdown`,
    },
  ]);
}

/** One variant per size and colour in a product. */
export function assertNewPair(
  row: repo.AdminProductRow,
  size: string,
  color: string,
  except?: string,
) {
  const existing = row.variants.find(
    (v) => v.id !== except && v.size === size && v.color === color,
  );
  if (existing) {
    throw new Conflict(
      'variant_exists',
      `This product already has a ${color} variant in ${size} (${existing.sku}).`,
      { variantId: existing.id },
    );
  }
}

/**
 * A product's limits (`productLimits`), which a create's body holds, held for a variant added or
 * changed too (and by the CSV import): what would take the product past one is refused; a product
 * already past one (made before the limit) keeps what it has.
 */
export function assertWithinLimits(
  row: repo.AdminProductRow,
  size: string,
  color: string,
  except?: string,
) {
  const after = [...row.variants.filter((v) => v.id !== except), { size, color }];
  const counts = [
    ['variants', row.variants.length, after.length, productLimits.variants],
    ['colours', distinct(row.variants, 'color'), distinct(after, 'color'), productLimits.colors],
    ['sizes', distinct(row.variants, 'size'), distinct(after, 'size'), productLimits.sizes],
  ] as const;
  for (const [what, before, count, limit] of counts) {
    if (count <= limit || count <= before) continue;
    throw new Conflict(
      'product_limit',
      `A product may have at most ${limit} ${what}; this one would have ${count}.`,
      { limit, [what === 'colours' ? 'colors' : what]: count },
    );
  }
}

const distinct = (variants: { size: string; color: string }[], field: 'size' | 'color') =>
  new Set(variants.map((v) => v[field])).size;
