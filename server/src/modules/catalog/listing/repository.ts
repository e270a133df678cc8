import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../../platform/db/index.js';
import { imageJson, shownOrder } from '../media/image-queries.js';
import type { ListProductsQuery, Product, ProductSummary } from '../schemas.js';

/**
 * The catalog's SQL. Listings are chosen and counted by the facet index in memory (facet-index.ts);
 * here are the search ranking and the page's rows it asks for. `listProducts` and `productFacets`
 * state the same listing in SQL alone: the definition the index is tested against, row for row and
 * count for count, and what the benchmark explains. They read only the products table (its price,
 * colours and sizes are kept in step with the variants), so filters and facets use its indexes.
 */

export type SortKey = 'relevance' | 'newest' | 'price_asc' | 'price_desc';

/** Where a page starts: after a row's sort key (keyset), or at an offset for relevance ordering. */
export type PagePosition =
  { kind: 'after'; value: number; id: string } | { kind: 'offset'; offset: number };

/** A product's creation time in microseconds, the newest order's cursor value. */
const createdMicros = sql`(extract(epoch FROM p.created_at) * 1000000)::float8`;

export interface SummaryRow {
  id: string;
  slug: string;
  name: string;
  gender: 'men' | 'women' | 'kids' | 'unisex';
  category_id: string;
  category_slug: string;
  category_name: string;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  colors: string[];
  sizes: string[];
  /** The card's image: the main image of the product's first colour. */
  image: ProductSummary['image'];
  available: number;
}

export interface FacetRow {
  total: number;
  size: { value: string; count: number }[];
  color: { value: string; count: number }[];
  gender: { value: string; count: number }[];
  category: { value: string; label: string; count: number }[];
  price: { min: number | null; max: number | null };
}

interface Conditions {
  always: SQL[];
  gender: SQL;
  category: SQL;
  size: SQL;
  color: SQL;
  price: SQL;
}

/**
 * A listing's filters. `qCorrected` is the search text with misspelt words corrected, if any were;
 * `categoryIds` the chosen category and its descendants (empty for an unknown category), resolved by
 * the service from the category tree so the planner sees the actual ids.
 */
export type ListingFilter = ListProductsQuery & {
  qCorrected?: string | null;
  categoryIds?: string[];
};

const TRUE = sql`TRUE`;

/** A PostgreSQL text[] parameter (one bound value per element, so nothing is ever spliced into SQL). */
export const textArray = (values: string[]) =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

function tsQuery(query: ListingFilter): SQL {
  const original = sql`websearch_to_tsquery('english', ${query.q ?? ''})`;
  return query.qCorrected
    ? sql`(${original} || websearch_to_tsquery('english', ${query.qCorrected}))`
    : original;
}

function conditions(query: ListingFilter): Conditions {
  const always: SQL[] = [sql`p.status = 'active'`];
  if (query.q) {
    always.push(sql`(p.search_vector @@ ${tsQuery(query)} OR p.name %> ${query.q})`);
  }
  if (query.inStock) {
    // In stock in the chosen size and colour, not merely in some other variant.
    const sizeMatch = query.size?.length ? sql`AND v.size = ANY(${textArray(query.size)})` : sql``;
    const colorMatch = query.color?.length
      ? sql`AND v.color = ANY(${textArray(query.color)})`
      : sql``;
    always.push(sql`EXISTS (
      SELECT 1 FROM variants v JOIN stock_levels s ON s.variant_id = v.id
      WHERE v.product_id = p.id AND s.on_hand > s.reserved ${sizeMatch} ${colorMatch})`);
  }
  if (query.onSale) always.push(sql`p.compare_at_amount > p.price_amount`);
  const priceParts: SQL[] = [];
  if (query.minPrice !== undefined) priceParts.push(sql`p.price_amount >= ${query.minPrice}`);
  if (query.maxPrice !== undefined) priceParts.push(sql`p.price_amount <= ${query.maxPrice}`);
  return {
    always,
    gender: query.gender ? sql`p.gender = ${query.gender}` : TRUE,
    category: query.categoryIds
      ? query.categoryIds.length > 0
        ? sql`p.category_id IN (${sql.join(
            query.categoryIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`FALSE`
      : TRUE,
    size: query.size?.length ? sql`p.sizes && ${textArray(query.size)}` : TRUE,
    color: query.color?.length ? sql`p.colors && ${textArray(query.color)}` : TRUE,
    price: priceParts.length ? sql.join(priceParts, sql` AND `) : TRUE,
  };
}

const and = (parts: SQL[]) => sql.join(parts, sql` AND `);

function ordering(sort: SortKey, query: ListingFilter) {
  switch (sort) {
    case 'price_asc':
      return {
        value: sql`p.price_amount`,
        order: sql`p.price_amount ASC, p.id ASC`,
        after: sql`>`,
      };
    case 'price_desc':
      return {
        value: sql`p.price_amount`,
        order: sql`p.price_amount DESC, p.id DESC`,
        after: sql`<`,
      };
    case 'relevance':
      if (query.q) {
        const rank = sql`(ts_rank_cd(p.search_vector, ${tsQuery(query)}) + word_similarity(${query.q}, p.name))`;
        return { value: rank, order: sql`${rank} DESC, p.id DESC`, after: null };
      }
    // Without a query there is nothing to rank by; the newest first is the storefront's default.
    // falls through
    case 'newest':
      return {
        value: createdMicros,
        order: sql`p.created_at DESC, p.id DESC`,
        after: sql`<`,
      };
  }
}

export async function listProducts(
  db: Queryable,
  query: ListingFilter,
  sort: SortKey,
  position: PagePosition | null,
): Promise<(SummaryRow & { sort_value: number })[]> {
  const where = conditions(query);
  const { value, order, after } = ordering(sort, query);
  // A rank is computed once, in the inner query; the outer one orders by its result.
  const outerOrder = sort === 'relevance' && query.q ? sql`p.sort_value DESC, p.id DESC` : order;
  const filters = [
    ...where.always,
    where.gender,
    where.category,
    where.size,
    where.color,
    where.price,
  ];
  let offset = 0;
  if (position?.kind === 'after' && after) {
    filters.push(
      sort === 'price_asc' || sort === 'price_desc'
        ? sql`(p.price_amount, p.id) ${after} (${Number(position.value)}::int, ${position.id}::uuid)`
        : sql`(${createdMicros}, p.id) ${after} (${Number(position.value)}::float8, ${position.id}::uuid)`,
    );
  } else if (position?.kind === 'offset') {
    offset = position.offset;
  }
  // The page is chosen from products alone (an index walk in sort order), and only its rows are
  // joined to their category, first image and stock: never the whole matching set.
  return queryRows<SummaryRow & { sort_value: number }>(
    db,
    sql`
    SELECT p.id, p.slug, p.name, p.gender, p.category_id, c.slug AS category_slug, c.name AS category_name,
           p.price_amount, p.compare_at_amount, p.currency, p.colors, p.sizes,
           img.image, COALESCE(stock.available, 0)::int AS available,
           p.sort_value
    FROM (
      SELECT p.*, ${value} AS sort_value FROM products p
      WHERE ${and(filters)}
      ORDER BY ${order}
      LIMIT ${query.limit + 1} OFFSET ${offset}
    ) p
    JOIN categories c ON c.id = p.category_id
    LEFT JOIN LATERAL (
      SELECT ${imageJson('i')} AS image FROM product_images i WHERE i.product_id = p.id
      ORDER BY i.color = p.colors[1] DESC, ${shownOrder('i')} LIMIT 1
    ) img ON TRUE
    LEFT JOIN LATERAL (
      SELECT SUM(GREATEST(s.on_hand - s.reserved, 0)) AS available
      FROM variants v JOIN stock_levels s ON s.variant_id = v.id WHERE v.product_id = p.id
    ) stock ON TRUE
    ORDER BY ${outerOrder}`,
  );
}

/**
 * The products a search matches, best first: the words (or their corrections) in the name,
 * keywords or description, or a name close enough in spelling. Ranked once per query text; the
 * facet index then filters, counts and pages the result in memory.
 */
export async function searchRanking(db: Queryable, query: ListingFilter): Promise<string[]> {
  const rank = sql`(ts_rank_cd(p.search_vector, ${tsQuery(query)}) + word_similarity(${query.q ?? ''}, p.name))`;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT p.id::text AS id FROM products p
        WHERE p.status = 'active' AND (p.search_vector @@ ${tsQuery(query)} OR p.name %> ${query.q ?? ''})
        ORDER BY ${rank} DESC, p.id DESC`,
  );
  return rows.map((row) => row.id);
}

/** The summaries of a page of products, in the order given (any that have gone are left out). */
export async function summariesByIds(db: Queryable, ids: string[]): Promise<SummaryRow[]> {
  if (ids.length === 0) return [];
  // One array parameter, so the statement's text is the same for every page. Each variant's stock
  // is a subquery on its key, which the planner cannot flatten: joined, it may judge a scan of all
  // stock cheaper than the few lookups a page needs (it did on small catalogs, at 4-12 ms a page).
  const page = sql`${sql.param(ids)}::uuid[]`;
  const rows = await queryRows<SummaryRow>(
    db,
    sql`
    SELECT p.id, p.slug, p.name, p.gender, p.category_id, c.slug AS category_slug, c.name AS category_name,
           p.price_amount, p.compare_at_amount, p.currency, p.colors, p.sizes,
           img.image, COALESCE(stock.available, 0)::int AS available
    FROM products p
    JOIN categories c ON c.id = p.category_id
    LEFT JOIN LATERAL (
      SELECT ${imageJson('i')} AS image FROM product_images i WHERE i.product_id = p.id
      ORDER BY i.color = p.colors[1] DESC, ${shownOrder('i')} LIMIT 1
    ) img ON TRUE
    LEFT JOIN LATERAL (
      SELECT SUM(GREATEST(
        (SELECT s.on_hand - s.reserved FROM stock_levels s WHERE s.variant_id = v.id), 0)) AS available
      FROM variants v WHERE v.product_id = p.id
    ) stock ON TRUE
    WHERE p.id = ANY(${page}) AND p.status = 'active'`,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * The total and every facet in one round trip. Each facet counts under all the other active filters
 * but not its own, so choosing "M" still shows how many products come in "L".
 */
export async function productFacets(db: Queryable, query: ListingFilter): Promise<FacetRow> {
  const w = conditions(query);
  const except = (...skip: (keyof Omit<Conditions, 'always'>)[]) =>
    and([
      ...w.always,
      ...(['gender', 'category', 'size', 'color', 'price'] as const)
        .filter((name) => !skip.includes(name))
        .map((name) => w[name]),
    ]);
  // The total and the price range read the same rows (all filters but price), so one pass gives
  // both: the total counts only the rows inside the price filter.
  const [row] = await queryRows<
    Omit<FacetRow, 'total' | 'price'> & { totals: { total: number } & FacetRow['price'] }
  >(
    db,
    sql`
    SELECT
      (SELECT json_build_object('total', COUNT(*) FILTER (WHERE ${w.price}), 'min', MIN(p.price_amount), 'max', MAX(p.price_amount))
         FROM products p WHERE ${except('price')}) AS totals,
      (SELECT COALESCE(json_agg(json_build_object('value', f.value, 'count', f.n) ORDER BY f.n DESC, f.value), '[]'::json)
         FROM (SELECT s.value, COUNT(*)::int AS n FROM products p CROSS JOIN LATERAL unnest(p.sizes) AS s(value)
               WHERE ${except('size')} GROUP BY 1) f) AS size,
      (SELECT COALESCE(json_agg(json_build_object('value', f.value, 'count', f.n) ORDER BY f.n DESC, f.value), '[]'::json)
         FROM (SELECT s.value, COUNT(*)::int AS n FROM products p CROSS JOIN LATERAL unnest(p.colors) AS s(value)
               WHERE ${except('color')} GROUP BY 1) f) AS color,
      (SELECT COALESCE(json_agg(json_build_object('value', f.value, 'count', f.n) ORDER BY f.n DESC, f.value), '[]'::json)
         FROM (SELECT p.gender AS value, COUNT(*)::int AS n FROM products p WHERE ${except('gender')} GROUP BY 1) f) AS gender,
      (SELECT COALESCE(json_agg(json_build_object('value', c.slug, 'label', c.name, 'count', f.n) ORDER BY f.n DESC, c.slug), '[]'::json)
         FROM (SELECT p.category_id, COUNT(*)::int AS n FROM products p WHERE ${except('category')} GROUP BY 1) f
         JOIN categories c ON c.id = f.category_id) AS category`,
  );
  if (!row) throw new Error('facet query returned no row');
  const { totals, ...facets } = row;
  return { ...facets, total: totals.total, price: { min: totals.min, max: totals.max } };
}

export interface ProductRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: 'men' | 'women' | 'kids' | 'unisex';
  category_id: string;
  category_slug: string;
  category_name: string;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  colors: string[];
  sizes: string[];
  created_at: Date | string;
  images: Product['images'];
  variants: {
    id: string;
    sku: string;
    size: string;
    color: string;
    price_amount: number;
    compare_at_amount: number | null;
    available: number;
  }[];
}

export async function findProductBySlug(db: Queryable, slug: string): Promise<ProductRow | null> {
  const [row] = await queryRows<ProductRow>(
    db,
    sql`
    SELECT p.id, p.slug, p.name, p.description, p.gender, p.category_id,
           c.slug AS category_slug, c.name AS category_name,
           p.price_amount, p.compare_at_amount, p.currency, p.colors, p.sizes, p.created_at,
           COALESCE((SELECT json_agg(${imageJson('i')} || jsonb_build_object('color', i.color)
                                     ORDER BY array_position(p.colors, i.color), i.color, ${shownOrder('i')})
                     FROM product_images i WHERE i.product_id = p.id), '[]'::json) AS images,
           COALESCE((SELECT json_agg(json_build_object(
                       'id', v.id, 'sku', v.sku, 'size', v.size, 'color', v.color,
                       'price_amount', v.price_amount, 'compare_at_amount', v.compare_at_amount,
                       'available', GREATEST(COALESCE(s.on_hand - s.reserved, 0), 0)) ORDER BY v.position)
                     FROM variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
                     WHERE v.product_id = p.id), '[]'::json) AS variants
    FROM products p JOIN categories c ON c.id = p.category_id
    WHERE p.slug = ${slug} AND p.status = 'active'`,
  );
  return row ?? null;
}

export interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  parent_id: string | null;
}

export async function listCategories(db: Queryable): Promise<CategoryRow[]> {
  return queryRows<CategoryRow>(
    db,
    sql`SELECT id, slug, name, parent_id FROM categories ORDER BY position, name`,
  );
}

/** Words shoppers may search for: product name words, category names and colours. */
export async function searchWords(db: Queryable): Promise<string[]> {
  const rows = await queryRows<{ word: string }>(
    db,
    sql`SELECT DISTINCT word FROM (
          SELECT regexp_split_to_table(lower(name || ' ' || search_keywords), '[^[:alnum:]]+') AS word
          FROM products WHERE status = 'active') w
        WHERE length(word) >= 3`,
  );
  return rows.map((r) => r.word);
}
