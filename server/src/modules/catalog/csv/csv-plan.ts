import { uuidv7 } from '../../../platform/db/ids.js';
import { decimalText } from '../../../platform/money.js';
import type { CatalogCsvRow, CellProblem } from './csv-format.js';
import type {
  CategoryFacts,
  Counts,
  ExistingProduct,
  ExistingVariant,
  ImportPlan,
  ImportState,
  VariantWrite,
  ProductWrite,
} from './csv-state.js';
import { cheapest, displayOrder, drawnImageUrl } from '../derived.js';
import { productLimits } from '../field-rules.js';

/**
 * What an import would change, worked out from the file's rows and what the database holds now,
 * with no I/O: `csv-import.ts` loads the state, calls `planImport`, and writes the plan (or, for a
 * dry run, only reports it). Problems found against the database (an unknown category, a SKU of
 * another product, stock below what is reserved, a new size or colour for a variant that orders
 * hold, more variants, colours or sizes than a product may have) are added to the rows' problems,
 * as the admin API refuses the same.
 */

/** Variants in position order, as the product shows them. */
const inPositionOrder = (variants: Iterable<VariantWrite>) =>
  [...variants].sort((a, b) => a.position - b.position);

/** The colours and sizes a product with these variants shows, in display order. */
function optionsOf(ordered: VariantWrite[], existing: ExistingProduct | undefined) {
  return {
    colors: displayOrder(
      existing?.colors ?? [],
      ordered.map((v) => v.color),
    ),
    sizes: displayOrder(
      existing?.sizes ?? [],
      ordered.map((v) => v.size),
    ),
  };
}

/** Price, compare-at price, colours, sizes and search words, as every catalog write derives them. */
function derived(
  variants: Iterable<VariantWrite>,
  category: CategoryFacts,
  gender: string,
  existing: ExistingProduct | undefined,
) {
  const ordered = inPositionOrder(variants);
  const shown = cheapest(ordered, (v) => v.priceAmount) as VariantWrite;
  const { colors, sizes } = optionsOf(ordered, existing);
  return {
    priceAmount: shown.priceAmount,
    compareAtAmount: shown.compareAtAmount,
    colors,
    sizes,
    searchKeywords: [category.name, category.parentName, gender, ...colors]
      .filter(Boolean)
      .join(' '),
  };
}

/**
 * A product's limits (`productLimits`), as the API holds them: a row that would take the product
 * past one (a variant, colour or size more) is refused; what the product has already stays.
 */
function checkLimits(
  product: {
    slug: string;
    existing: ExistingProduct | undefined;
    current: ExistingVariant[];
    finalVariants: Map<string, VariantWrite>;
  },
  group: CatalogCsvRow[],
  problemsOf: (row: CatalogCsvRow) => CellProblem[],
) {
  const { slug, existing } = product;
  const ordered = inPositionOrder(product.finalVariants.values());
  const { colors, sizes } = optionsOf(ordered, existing);
  const within = (values: string[], limit: number, had: string[] = []) =>
    new Set([...values.slice(0, limit), ...had]);
  const allowed = {
    sku: {
      values: within(
        ordered.map((v) => v.sku),
        productLimits.variants,
        product.current.map((v) => v.sku),
      ),
      count: ordered.length,
      limit: productLimits.variants,
      what: 'variants',
    },
    color: {
      values: within(colors, productLimits.colors, existing?.colors),
      count: colors.length,
      limit: productLimits.colors,
      what: 'colours',
    },
    size: {
      values: within(sizes, productLimits.sizes, existing?.sizes),
      count: sizes.length,
      limit: productLimits.sizes,
      what: 'sizes',
    },
  };
  for (const row of group) {
    // A row refused before it was planned (a SKU of another product) has nothing to count.
    if (!product.finalVariants.has(row.sku)) continue;
    for (const [field, { values, count, limit, what }] of Object.entries(allowed)) {
      if (values.has(row[field as keyof typeof allowed])) continue;
      problemsOf(row).push({
        field,
        message: `${slug} would have ${count} ${what}; a product has at most ${limit}`,
      });
    }
  }
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
  for (const row of rows) {
    const group = groups.get(row.productSlug);
    if (group) group.push(row);
    else groups.set(row.productSlug, [row]);
  }

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
          `must be below the variant's compare-at price, ${decimalText(variant.compareAtAmount, state.currencyDigits)}`,
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
      if (before && state.ordered.has(owner.id)) {
        // As the API's variant_in_use: what was sold stays what it was; a new SKU can be added.
        for (const field of ['size', 'color'] as const) {
          if (before[field] === variant[field]) continue;
          fail(
            field,
            `orders hold this variant, so its ${field === 'size' ? 'size' : 'colour'} stays ${before[field]}; add a new SKU for ${variant[field]}`,
          );
        }
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
    checkLimits({ slug, existing, current, finalVariants }, group, problemsOf);
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
      ...derived(finalVariants.values(), category, fields.gender, existing),
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
      const url = drawnImageUrl(slug, color);
      if (images.colors.has(color) || !url) continue;
      plan.newImages.push({
        productId,
        color,
        url,
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
