import { uuidv7 } from '../../platform/db/ids.js';
import { colorSlug } from '../../seed/catalog-data.js';
import {
  formatMoney,
  type CatalogCsvRow,
  type CellProblem,
  type Gender,
  type ProductStatus,
} from './csv-format.js';
import type { ProductChange } from './events.js';

/**
 * What an import would change, worked out from the file's rows and what the database holds now,
 * with no I/O: `csv-import.ts` loads the state, calls `planImport`, and writes the plan (or, for a
 * dry run, only reports it). Problems found against the database (an unknown category, a SKU of
 * another product, stock below what is reserved) are added to the rows' problems.
 */

export interface CategoryFacts {
  id: string;
  name: string;
  parentName: string | null;
}

export interface ExistingProduct {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: Gender;
  category_id: string;
  status: ProductStatus;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  colors: string[];
  sizes: string[];
}

export interface ExistingVariant {
  id: string;
  product_id: string;
  product_slug: string;
  sku: string;
  size: string;
  color: string;
  price_amount: number;
  compare_at_amount: number | null;
  position: number;
}

export interface ImportState {
  categories: Map<string, CategoryFacts>;
  /** The file's products that exist, by slug. */
  products: Map<string, ExistingProduct>;
  /** The file's SKUs that exist, whichever product holds them. */
  variantsBySku: Map<string, ExistingVariant>;
  /** Every variant of the file's existing products, in position order. */
  variantsOf: Map<string, ExistingVariant[]>;
  stock: Map<string, { onHand: number; reserved: number }>;
  /** Per existing product: the colours that have an image, and the next image position. */
  images: Map<string, { colors: Set<string>; next: number }>;
  currencyDigits: number;
}

/** A product row as written: its own fields and those derived from its variants. */
export interface ProductWrite {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: Gender;
  categoryId: string;
  status: ProductStatus;
  priceAmount: number;
  compareAtAmount: number | null;
  colors: string[];
  sizes: string[];
  searchKeywords: string;
}

export interface VariantWrite {
  id: string;
  productId: string;
  sku: string;
  size: string;
  color: string;
  priceAmount: number;
  compareAtAmount: number | null;
  position: number;
}

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ProductOutcome {
  slug: string;
  action: 'create' | 'update' | 'unchanged';
  variants: Counts;
}

/** What the import announces per product, as the store team's other catalog writes do. */
export type ProductEvent =
  | { kind: 'created'; product: ProductWrite; variantIds: string[] }
  | { kind: 'updated'; product: ProductWrite; changes: ProductChange[]; variantIds: string[] }
  | { kind: 'archived' | 'restored'; product: ProductWrite };

export interface ImportPlan {
  newProducts: ProductWrite[];
  changedProducts: ProductWrite[];
  newVariants: VariantWrite[];
  changedVariants: VariantWrite[];
  newStock: { variantId: string; onHand: number }[];
  changedStock: { variantId: string; onHand: number }[];
  newImages: { productId: string; color: string; url: string; alt: string; position: number }[];
  events: ProductEvent[];
  outcomes: ProductOutcome[];
}

/**
 * The values the variants have, in the order the product already shows them (the team may have
 * arranged it), then new ones in the order their variants come.
 */
function displayOrder(kept: string[], values: string[]): string[] {
  const present = new Set(values);
  return [...new Set([...kept.filter((value) => present.has(value)), ...values])];
}

/** Price, compare-at price, colours, sizes and search words, as every catalog write derives them. */
function derived(
  variants: VariantWrite[],
  category: CategoryFacts,
  gender: string,
  existing: ExistingProduct | undefined,
) {
  const ordered = [...variants].sort((a, b) => a.position - b.position);
  const cheapest = ordered.reduce((a, b) => (b.priceAmount < a.priceAmount ? b : a));
  const colors = displayOrder(
    existing?.colors ?? [],
    ordered.map((v) => v.color),
  );
  return {
    priceAmount: cheapest.priceAmount,
    compareAtAmount: cheapest.compareAtAmount,
    colors,
    sizes: displayOrder(
      existing?.sizes ?? [],
      ordered.map((v) => v.size),
    ),
    searchKeywords: [category.name, category.parentName, gender, ...colors]
      .filter(Boolean)
      .join(' '),
  };
}

const toWrite = (v: ExistingVariant): VariantWrite => ({
  id: v.id,
  productId: v.product_id,
  sku: v.sku,
  size: v.size,
  color: v.color,
  priceAmount: v.price_amount,
  compareAtAmount: v.compare_at_amount,
  position: v.position,
});

const optionKey = (v: { color: string; size: string }) =>
  `${v.color.toLowerCase()}\u001f${v.size.toLowerCase()}`;

export function planImport(
  rows: CatalogCsvRow[],
  state: ImportState,
  problemsOf: (row: CatalogCsvRow) => CellProblem[],
): ImportPlan {
  const plan: ImportPlan = {
    newProducts: [],
    changedProducts: [],
    newVariants: [],
    changedVariants: [],
    newStock: [],
    changedStock: [],
    newImages: [],
    events: [],
    outcomes: [],
  };
  const groups = new Map<string, CatalogCsvRow[]>();
  for (const row of rows)
    groups.set(row.productSlug, [...(groups.get(row.productSlug) ?? []), row]);

  for (const [slug, group] of groups) {
    const first = group[0] as CatalogCsvRow;
    const existing = state.products.get(slug);
    const category = state.categories.get(first.categorySlug);
    if (!category) {
      for (const row of group) {
        problemsOf(row).push({
          field: 'category_slug',
          message: `no category has the slug "${row.categorySlug}"`,
        });
      }
    }
    const productId = existing?.id ?? uuidv7();
    const current = existing ? (state.variantsOf.get(existing.id) ?? []) : [];
    const finalVariants = new Map(current.map((v) => [v.sku, toWrite(v)]));
    let nextPosition = current.reduce((max, v) => Math.max(max, v.position + 1), 0);
    const counts: Counts = { created: 0, updated: 0, unchanged: 0 };
    const changedVariantIds: string[] = [];
    const inFile = new Set(group.map((row) => row.sku));
    const untouched = new Map(
      current.filter((v) => !inFile.has(v.sku)).map((v) => [optionKey(v), v.sku]),
    );

    for (const row of group) {
      const fail = (field: string, message: string) => problemsOf(row).push({ field, message });
      const owner = state.variantsBySku.get(row.sku);
      if (owner && owner.product_id !== existing?.id) {
        fail('sku', `belongs to another product, ${owner.product_slug}`);
        continue;
      }
      const sameOption = untouched.get(optionKey(row));
      if (sameOption) fail('size', `${row.size} in ${row.color} is already SKU ${sameOption}`);
      const before = owner ? finalVariants.get(owner.sku) : undefined;
      const variant: VariantWrite = {
        id: owner?.id ?? uuidv7(),
        productId,
        sku: row.sku,
        size: row.size,
        color: row.color,
        priceAmount: row.price,
        compareAtAmount:
          row.compareAtPrice === undefined ? (before?.compareAtAmount ?? null) : row.compareAtPrice,
        position: before?.position ?? nextPosition++,
      };
      // A compare-at price kept from the variant must still be above the new price (one given in
      // the file was checked against its row's price already).
      if (
        row.compareAtPrice === undefined &&
        variant.compareAtAmount !== null &&
        variant.compareAtAmount <= variant.priceAmount
      ) {
        fail(
          'price',
          `must be below the variant's compare-at price, ${formatMoney(variant.compareAtAmount, state.currencyDigits)}`,
        );
      }
      finalVariants.set(row.sku, variant);
      if (!owner) {
        changedVariantIds.push(variant.id);
        plan.newVariants.push(variant);
        plan.newStock.push({ variantId: variant.id, onHand: row.onHand });
        counts.created++;
        continue;
      }
      const stock = state.stock.get(owner.id);
      if (stock && row.onHand < stock.reserved) {
        fail(
          'on_hand',
          `${stock.reserved} units are reserved by open orders; on hand cannot go below that`,
        );
      }
      const variantChanged =
        before !== undefined &&
        (before.size !== variant.size ||
          before.color !== variant.color ||
          before.priceAmount !== variant.priceAmount ||
          before.compareAtAmount !== variant.compareAtAmount);
      const stockChanged = stock?.onHand !== row.onHand;
      if (variantChanged) {
        changedVariantIds.push(variant.id);
        plan.changedVariants.push(variant);
      }
      if (stockChanged) plan.changedStock.push({ variantId: owner.id, onHand: row.onHand });
      if (variantChanged || stockChanged) counts.updated++;
      else counts.unchanged++;
    }
    if (!category) continue;

    const fields = {
      name: first.productName,
      description: first.description ?? existing?.description ?? '',
      gender: first.gender,
      categoryId: category.id,
      status: first.status ?? existing?.status ?? 'active',
    };
    const productChanged =
      !existing ||
      changedVariantIds.length > 0 ||
      existing.name !== fields.name ||
      existing.description !== fields.description ||
      existing.gender !== fields.gender ||
      existing.category_id !== fields.categoryId ||
      existing.status !== fields.status;
    plan.outcomes.push({
      slug,
      action: !existing ? 'create' : productChanged || counts.updated > 0 ? 'update' : 'unchanged',
      variants: counts,
    });
    if (!productChanged) continue;

    const write: ProductWrite = {
      id: productId,
      slug,
      ...fields,
      ...derived([...finalVariants.values()], category, fields.gender, existing),
    };
    (existing ? plan.changedProducts : plan.newProducts).push(write);
    if (!existing) {
      plan.events.push({ kind: 'created', product: write, variantIds: changedVariantIds });
    } else {
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      const changes = (
        [
          ['name', existing.name, write.name],
          ['description', existing.description, write.description],
          ['gender', existing.gender, write.gender],
          ['category', existing.category_id, write.categoryId],
          ['price', existing.price_amount, write.priceAmount],
          ['compareAtPrice', existing.compare_at_amount, write.compareAtAmount],
          ['colors', existing.colors, write.colors],
          ['sizes', existing.sizes, write.sizes],
          ['variants', changedVariantIds.length, 0],
        ] as const
      )
        .filter(([, before, after]) => !same(before, after))
        .map(([change]) => change);
      if (changes.length > 0) {
        plan.events.push({
          kind: 'updated',
          product: write,
          changes,
          variantIds: changedVariantIds,
        });
      }
      if (existing.status !== write.status) {
        plan.events.push({
          kind: write.status === 'archived' ? 'archived' : 'restored',
          product: write,
        });
      }
    }
    // Each colour shows at least the drawn illustration until the team uploads photos of it.
    const images = state.images.get(productId) ?? { colors: new Set<string>(), next: 0 };
    for (const color of write.colors) {
      if (images.colors.has(color) || colorSlug(color) === '') continue;
      plan.newImages.push({
        productId,
        color,
        url: `/images/products/${slug}/${colorSlug(color)}.svg`,
        alt: `${write.name} in ${color}`,
        position: images.next++,
      });
    }
  }
  return plan;
}

export function summarise(plan: ImportPlan) {
  const products: Counts = { created: 0, updated: 0, unchanged: 0 };
  const variants: Counts = { created: 0, updated: 0, unchanged: 0 };
  for (const outcome of plan.outcomes) {
    const key = { create: 'created', update: 'updated', unchanged: 'unchanged' } as const;
    products[key[outcome.action]]++;
    variants.created += outcome.variants.created;
    variants.updated += outcome.variants.updated;
    variants.unchanged += outcome.variants.unchanged;
  }
  return { products, variants, stockChanged: plan.changedStock.length, items: plan.outcomes };
}
