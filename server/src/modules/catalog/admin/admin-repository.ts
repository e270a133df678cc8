import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../../platform/db/index.js';
import type { AdminProductListQuery } from './admin-schemas.js';
import { cheapest, displayOrder, drawnImageUrl } from '../derived.js';

/**
 * The SQL of the store team's catalog writes and lists. Listings never read this: they read the
 * products table, whose price, colours, sizes and search keywords are derived here from the
 * variants and the category (`syncProduct`) in the transaction of every change, and the facet index,
 * which the statement-level triggers on products and variants keep informed (catalog_changes).
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AdminVariantRow {
  id: string;
  sku: string;
  size: string;
  color: string;
  price_amount: number;
  compare_at_amount: number | null;
  position: number;
  on_hand: number;
  reserved: number;
}

export interface AdminProductRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: 'active' | 'archived';
  gender: 'men' | 'women' | 'kids' | 'unisex';
  category_id: string;
  category_slug: string;
  currency: string;
  price_amount: number;
  compare_at_amount: number | null;
  colors: string[];
  sizes: string[];
  created_at: Date | string;
  updated_at: Date | string;
  variants: AdminVariantRow[];
}

/** A product as the store team sees it, archived or not, with stock on hand and reserved per variant. */
export async function findAdminProduct(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<AdminProductRow | null> {
  // The lock is taken on the product row alone, and leaves its key alone (NO KEY): the category
  // and stock rows stay free for checkouts, and inserts that only reference the product proceed.
  const [row] = await queryRows<AdminProductRow>(
    db,
    sql`
    SELECT p.id, p.slug, p.name, p.description, p.status, p.gender, p.category_id, c.slug AS category_slug,
           p.currency, p.price_amount, p.compare_at_amount, p.colors, p.sizes, p.created_at, p.updated_at,
           COALESCE((SELECT json_agg(json_build_object(
                       'id', v.id, 'sku', v.sku, 'size', v.size, 'color', v.color,
                       'price_amount', v.price_amount, 'compare_at_amount', v.compare_at_amount,
                       'position', v.position,
                       'on_hand', COALESCE(s.on_hand, 0), 'reserved', COALESCE(s.reserved, 0))
                       ORDER BY v.position, v.id)
                     FROM variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
                     WHERE v.product_id = p.id), '[]'::json) AS variants
    FROM products p JOIN categories c ON c.id = p.category_id
    WHERE p.id = ${id}::uuid
    ${options.lock ? sql`FOR NO KEY UPDATE OF p` : sql``}`,
  );
  return row ?? null;
}

export interface AdminListRow {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'archived';
  gender: 'men' | 'women' | 'kids' | 'unisex';
  category_id: string;
  category_slug: string;
  category_name: string;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  created_at: Date | string;
  updated_at: Date | string;
  variant_count: number;
  units_on_hand: number;
  units_available: number;
  stock: 'in_stock' | 'low' | 'out';
}

const likePattern = (text: string) => `%${text.replace(/[%_\\]/g, '\\$&')}%`;

/**
 * One page of products, newest first (UUIDv7 ids follow creation), with stock totals and the
 * product's stock state. The page walks the primary key backwards and computes each product's
 * totals as it goes, so a page costs its rows (and what the filters skip), not the catalog.
 */
export async function listAdminProducts(
  db: Queryable,
  query: Omit<AdminProductListQuery, 'cursor'> & { after?: string | undefined },
  lowStockThreshold: number,
): Promise<AdminListRow[]> {
  const filters: SQL[] = [sql`TRUE`];
  if (query.q) {
    const pattern = likePattern(query.q);
    filters.push(sql`(p.name ILIKE ${pattern} OR p.slug ILIKE ${pattern}
      OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.sku ILIKE ${pattern}))`);
  }
  if (query.status) filters.push(sql`p.status = ${query.status}`);
  if (query.category) {
    filters.push(sql`p.category_id IN (
      WITH RECURSIVE sub(id) AS (
        SELECT id FROM categories WHERE slug = ${query.category}
        UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
      SELECT id FROM sub)`);
  }
  if (query.stock) filters.push(sql`st.stock = ${query.stock}`);
  if (query.after) filters.push(sql`p.id < ${query.after}::uuid`);
  return queryRows<AdminListRow>(
    db,
    sql`
    SELECT p.id, p.slug, p.name, p.status, p.gender, p.category_id, c.slug AS category_slug,
           c.name AS category_name, p.price_amount, p.compare_at_amount, p.currency,
           p.created_at, p.updated_at, st.variant_count, st.units_on_hand, st.units_available, st.stock
    FROM products p
    JOIN categories c ON c.id = p.category_id
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS variant_count,
             COALESCE(sum(s.on_hand), 0)::int AS units_on_hand,
             COALESCE(sum(GREATEST(s.on_hand - s.reserved, 0)), 0)::int AS units_available,
             CASE WHEN COALESCE(max(s.on_hand - s.reserved), 0) <= 0 THEN 'out'
                  WHEN min(COALESCE(s.on_hand - s.reserved, 0)) <= ${lowStockThreshold} THEN 'low'
                  ELSE 'in_stock' END AS stock
      FROM variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
      WHERE v.product_id = p.id
    ) st
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY p.id DESC
    LIMIT ${query.limit + 1}`,
  );
}

export interface CategoryRecord {
  id: string;
  slug: string;
  name: string;
  parent_id: string | null;
  position: number;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A category named by its id or its slug. */
export async function resolveCategory(
  db: Queryable,
  reference: string,
  options: { lock?: boolean } = {},
): Promise<CategoryRecord | null> {
  const where = uuidPattern.test(reference)
    ? sql`id = ${reference}::uuid`
    : sql`slug = ${reference}`;
  const [row] = await queryRows<CategoryRecord>(
    db,
    sql`SELECT id, slug, name, parent_id, position, created_at, updated_at FROM categories
        WHERE ${where} ${options.lock ? sql`FOR UPDATE` : sql``}`,
  );
  return row ?? null;
}

/** The ids of a category and everything under it. */
export async function subtreeIds(db: Queryable, categoryId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`WITH RECURSIVE sub(id) AS (
          SELECT id FROM categories WHERE id = ${categoryId}::uuid
          UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
        SELECT id::text AS id FROM sub`,
  );
  return rows.map((row) => row.id);
}

/** The position after the last sibling under `parentId`. */
export async function nextCategoryPosition(
  db: Queryable,
  parentId: string | null,
): Promise<number> {
  const [row] = await queryRows<{ next: number }>(
    db,
    sql`SELECT COALESCE(max(position) + 1, 0)::int AS next FROM categories
        WHERE ${parentId ? sql`parent_id = ${parentId}::uuid` : sql`parent_id IS NULL`}`,
  );
  return row?.next ?? 0;
}

/**
 * Search keywords carry the product's category and parent category names, its gender and colours
 * (as the seed import writes them), so a rename or a move rewrites them for the products under the
 * category. That update is also what tells every process's facet index to reload its category
 * labels and tree: the products trigger logs it in `catalog_changes`.
 */
export async function refreshSearchKeywords(db: Queryable, where: SQL): Promise<void> {
  await db.execute(sql`
    UPDATE products p
    SET search_keywords = concat_ws(' ', c.name, parent.name, p.gender, array_to_string(p.colors, ' '))
    FROM categories c LEFT JOIN categories parent ON parent.id = c.parent_id
    WHERE c.id = p.category_id AND ${where}`);
}

/** The products in these categories. */
export const inCategories = (categoryIds: string[]) =>
  sql`p.category_id = ANY(${sql.param(categoryIds)}::uuid[])`;

/**
 * Derive the product row's listing facts from its variants (the product shows its cheapest
 * variant's price and that variant's compare-at price, as the import does) and rewrite its search
 * keywords. Call it after any change to the product's variants, category, gender or colours.
 */
export async function syncProduct(
  db: Queryable,
  productId: string,
  order: { colors?: string[]; sizes?: string[] } = {},
): Promise<void> {
  const [current] = await queryRows<{ colors: string[]; sizes: string[] }>(
    db,
    sql`SELECT colors, sizes FROM products WHERE id = ${productId}::uuid`,
  );
  const variants = await queryRows<{
    size: string;
    color: string;
    price_amount: number;
    compare_at_amount: number | null;
  }>(
    db,
    sql`SELECT size, color, price_amount, compare_at_amount FROM variants
        WHERE product_id = ${productId}::uuid ORDER BY position, id`,
  );
  const shown = cheapest(variants, (v) => v.price_amount);
  if (!current || !shown) return;
  const colors = displayOrder(
    order.colors ?? current.colors,
    variants.map((v) => v.color),
  );
  const sizes = displayOrder(
    order.sizes ?? current.sizes,
    variants.map((v) => v.size),
  );
  await db.execute(sql`
    UPDATE products SET price_amount = ${shown.price_amount},
      compare_at_amount = ${shown.compare_at_amount},
      colors = ${sql.param(colors)}::text[], sizes = ${sql.param(sizes)}::text[], updated_at = now()
    WHERE id = ${productId}::uuid`);
  await refreshSearchKeywords(db, sql`p.id = ${productId}::uuid`);
}

/**
 * Product images are drawn per colour (images.ts) until photos are uploaded: a colour with no image
 * yet gets its illustration, last in the product's order. (A colour with no letter or digit of the
 * Latin alphabet has no drawable URL and is left without.)
 */
export async function addDrawnImages(
  db: Queryable,
  product: { id: string; slug: string; name: string },
  colors: string[],
): Promise<void> {
  for (const color of colors) {
    const url = drawnImageUrl(product.slug, color);
    if (!url) continue;
    await db.execute(sql`
      INSERT INTO product_images (product_id, color, url, alt, position)
      SELECT ${product.id}::uuid, ${color}, ${url}, ${`${product.name} in ${color}`},
             COALESCE((SELECT max(position) + 1 FROM product_images WHERE product_id = ${product.id}::uuid), 0)
      WHERE NOT EXISTS (
        SELECT 1 FROM product_images WHERE product_id = ${product.id}::uuid AND color = ${color})`);
  }
}

/** Drawn images are addressed by the product's slug: a new slug moves their URLs with it. */
export async function moveDrawnImages(
  db: Queryable,
  productId: string,
  fromSlug: string,
  toSlug: string,
): Promise<void> {
  const from = `/images/products/${fromSlug}/`;
  await db.execute(sql`
    UPDATE product_images
    SET url = ${`/images/products/${toSlug}/`} || substr(url, ${from.length + 1}), updated_at = now()
    WHERE product_id = ${productId}::uuid AND starts_with(url, ${from})`);
}

/**
 * Whether any order holds the variant. Order lines keep their own copy of size and colour, but the
 * variant is what was sold and what its stock counts: once ordered, it stays what it was. The one
 * read of the orders' table from the catalog (documented in docs/architecture.md), because the
 * catalog comes before orders in the module order and cannot call their service.
 */
export async function variantOrdered(db: Queryable, variantId: string): Promise<boolean> {
  return (await orderedVariants(db, [variantId])).size > 0;
}

/** Which of these variants any order holds, in one query whatever their number (the CSV import). */
export async function orderedVariants(db: Queryable, variantIds: string[]): Promise<Set<string>> {
  if (variantIds.length === 0) return new Set();
  const rows = await queryRows<{ variant_id: string }>(
    db,
    sql`SELECT DISTINCT variant_id::text AS variant_id FROM order_lines
        WHERE variant_id = ANY(${sql.param(variantIds)}::uuid[])`,
  );
  return new Set(rows.map((row) => row.variant_id));
}

/** Which of these SKUs are already taken (by any product). */
export async function takenSkus(db: Queryable, skus: string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await queryRows<{ sku: string }>(
    db,
    sql`SELECT sku FROM variants WHERE sku = ANY(${sql.param(skus)}::text[])`,
  );
  return rows.map((row) => row.sku);
}

/** Slugs starting with `base`, to derive a free one. */
export async function slugsLike(db: Queryable, base: string): Promise<Set<string>> {
  const rows = await queryRows<{ slug: string }>(
    db,
    sql`SELECT slug FROM products WHERE starts_with(slug, ${base})`,
  );
  return new Set(rows.map((row) => row.slug));
}
