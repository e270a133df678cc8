import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { uuidv7 } from '../../platform/db/ids.js';
import { initialiseStock } from '../inventory/index.js';
import { cheapest } from './derived.js';
import { categories, productImages, products, variants } from './tables.js';

/** Bulk loading of categories and products, used by the seed and by benchmarks. */

export interface CategoryImport {
  slug: string;
  name: string;
  parentSlug: string | null;
  position: number;
}

export interface ProductImport {
  slug: string;
  name: string;
  description: string;
  gender: 'men' | 'women' | 'kids' | 'unisex';
  categorySlug: string;
  createdAt?: Date;
  colors: string[];
  sizes: string[];
  variants: {
    sku: string;
    size: string;
    color: string;
    price: number;
    compareAtPrice: number | null;
    onHand: number;
  }[];
  images: { color: string; url: string; alt: string; position: number }[];
}

export async function importCategories(db: Db, input: CategoryImport[]): Promise<void> {
  await db.transaction(async (tx) => {
    // Parents first, so each child finds its parent's id.
    const ids = new Map<string, string>();
    const pending = [...input];
    while (pending.length > 0) {
      const ready = pending.filter((c) => c.parentSlug === null || ids.has(c.parentSlug));
      if (ready.length === 0) throw new Error('category tree has a cycle or a missing parent');
      for (const category of ready) {
        const id = uuidv7();
        await tx.insert(categories).values({
          id,
          slug: category.slug,
          name: category.name,
          parentId: category.parentSlug ? ids.get(category.parentSlug) : null,
          position: category.position,
        });
        ids.set(category.slug, id);
        pending.splice(pending.indexOf(category), 1);
      }
    }
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Insert products with their variants, images and stock. The product row's price, colours, sizes and
 * search keywords are derived from its variants here, as every catalog write must keep them.
 */
export async function importProducts(
  db: Db,
  input: ProductImport[],
  options: { batchSize?: number } = {},
): Promise<void> {
  const categoryRows = await db
    .select({
      id: categories.id,
      slug: categories.slug,
      name: categories.name,
      parentId: categories.parentId,
    })
    .from(categories);
  const bySlug = new Map(categoryRows.map((c) => [c.slug, c]));
  const byId = new Map(categoryRows.map((c) => [c.id, c]));

  for (const batch of chunks(input, options.batchSize ?? 500)) {
    const productRows: (typeof products.$inferInsert)[] = [];
    const variantRows: (typeof variants.$inferInsert)[] = [];
    const imageRows: (typeof productImages.$inferInsert)[] = [];
    const stockRows: { variantId: string; onHand: number }[] = [];
    for (const product of batch) {
      const category = bySlug.get(product.categorySlug);
      if (!category)
        throw new Error(`unknown category ${product.categorySlug} for ${product.slug}`);
      const shown = cheapest(product.variants, (v) => v.price);
      if (!shown) throw new Error(`product ${product.slug} has no variants`);
      const parent = category.parentId ? byId.get(category.parentId) : undefined;
      const productId = uuidv7(product.createdAt?.getTime());
      productRows.push({
        id: productId,
        slug: product.slug,
        name: product.name,
        description: product.description,
        gender: product.gender,
        categoryId: category.id,
        priceAmount: shown.price,
        compareAtAmount: shown.compareAtPrice,
        colors: product.colors,
        sizes: product.sizes,
        searchKeywords: [category.name, parent?.name, product.gender, ...product.colors]
          .filter(Boolean)
          .join(' '),
        ...(product.createdAt
          ? { createdAt: product.createdAt, updatedAt: product.createdAt }
          : {}),
      });
      product.variants.forEach((variant, position) => {
        const variantId = uuidv7();
        variantRows.push({
          id: variantId,
          productId,
          sku: variant.sku,
          size: variant.size,
          color: variant.color,
          priceAmount: variant.price,
          compareAtAmount: variant.compareAtPrice,
          position,
        });
        stockRows.push({ variantId, onHand: variant.onHand });
      });
      for (const image of product.images) imageRows.push({ ...image, productId });
    }
    await db.transaction(async (tx) => {
      await tx.insert(products).values(productRows);
      for (const part of chunks(variantRows, 2000)) await tx.insert(variants).values(part);
      for (const part of chunks(stockRows, 5000)) await initialiseStock(tx, part);
      for (const part of chunks(imageRows, 3000)) await tx.insert(productImages).values(part);
    });
  }
}

export async function countProducts(db: Db): Promise<number> {
  const result = await db.select({ n: sql<number>`count(*)::int` }).from(products);
  return result[0]?.n ?? 0;
}

export async function findProductIdBySlug(db: Db, slug: string): Promise<string | null> {
  const rows = await db.select({ id: products.id }).from(products).where(eq(products.slug, slug));
  return rows[0]?.id ?? null;
}
