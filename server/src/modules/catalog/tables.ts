import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  customType,
  char,
  check,
  index,
  integer,
  pgTable,
  text,
  jsonb,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, id, timestamps, tsvector } from '../../platform/db/columns.js';

export const categories = pgTable(
  'categories',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id),
    position: integer('position').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('categories_slug_key').on(t.slug),
    index('categories_parent_idx').on(t.parentId),
  ],
);

/**
 * A product. `price_amount`, `compare_at_amount`, `colors` and `sizes` are kept in step with the
 * variants by the catalog service so that listings and facets never join the variant table.
 */
export const products = pgTable(
  'products',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    gender: text('gender', { enum: ['men', 'women', 'kids', 'unisex'] }).notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    priceAmount: integer('price_amount').notNull(),
    compareAtAmount: integer('compare_at_amount'),
    currency: char('currency', { length: 3 }).notNull().default('USD'),
    colors: text('colors')
      .array()
      .notNull()
      .default(sql`'{}'`),
    sizes: text('sizes')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** Extra words that should find the product (category, gender, colours). */
    searchKeywords: text('search_keywords').notNull().default(''),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', search_keywords), 'B') || setweight(to_tsvector('english', description), 'C')`,
    ),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('products_slug_key').on(t.slug),
    // Listings show active products in one of three orders, optionally narrowed to a gender or a
    // category: each index walks exactly that order, so a page costs its rows, not the catalog.
    index('products_active_newest_idx')
      .on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status = 'active'`),
    index('products_active_price_idx')
      .on(t.priceAmount, t.id)
      .where(sql`status = 'active'`),
    index('products_active_gender_newest_idx')
      .on(t.gender, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status = 'active'`),
    index('products_active_category_newest_idx')
      .on(t.categoryId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status = 'active'`),
    index('products_category_idx').on(t.categoryId),
    // Facet counts read only these columns: a narrow index lets them scan it (index-only) instead
    // of the wide product rows with their descriptions; about 3× faster at 100k products. The
    // migration adds INCLUDE (sizes, colors), which Drizzle's index builder cannot express.
    index('products_facets_idx')
      .on(t.categoryId, t.gender, t.priceAmount)
      .where(sql`status = 'active'`),
    // The same, led by gender: a shopper's first filter (men, women, kids) and the gender facet's
    // scan under a category both become range scans.
    index('products_facets_gender_idx')
      .on(t.gender, t.categoryId, t.priceAmount)
      .where(sql`status = 'active'`),
    index('products_search_idx').using('gin', t.searchVector),
    index('products_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('products_sizes_idx').using('gin', t.sizes),
    index('products_colors_idx').using('gin', t.colors),
    check('products_price_check', sql`${t.priceAmount} >= 0`),
    check('products_gender_check', sql`${t.gender} IN ('men', 'women', 'kids', 'unisex')`),
    check('products_status_check', sql`${t.status} IN ('active', 'archived')`),
  ],
);

export const productImages = pgTable(
  'product_images',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    color: text('color').notNull(),
    url: text('url').notNull(),
    alt: text('alt').notNull(),
    position: integer('position').notNull().default(0),
    /** The colour's main image, chosen by the store team; at most one per product and colour. */
    main: boolean('main').notNull().default(false),
    /**
     * What the storefront needs to build `<picture>` (`image-processing.ts`): the size of the
     * largest rendition, the blurred placeholder and the renditions' widths and formats. Null for
     * a drawn illustration, and for a file uploaded before uploads were processed until the
     * back-fill job has processed it.
     */
    renditions: jsonb('renditions'),
    ...timestamps,
  },
  (t) => [
    index('product_images_product_idx').on(t.productId, t.position),
    uniqueIndex('product_images_main_key')
      .on(t.productId, t.color)
      .where(sql`${t.main}`),
  ],
);

export const variants = pgTable(
  'variants',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    size: text('size').notNull(),
    color: text('color').notNull(),
    priceAmount: integer('price_amount').notNull(),
    compareAtAmount: integer('compare_at_amount'),
    position: integer('position').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('variants_sku_key').on(t.sku),
    index('variants_product_idx').on(t.productId, t.position),
    check('variants_price_check', sql`${t.priceAmount} >= 0`),
    check(
      'variants_compare_at_check',
      sql`${t.compareAtAmount} IS NULL OR ${t.compareAtAmount} > ${t.priceAmount}`,
    ),
  ],
);

/** PostgreSQL's 64-bit transaction id: it never wraps around, so ids compare in commit-start order. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/**
 * Which products' listing facts changed, and in which transaction: written only by the statement
 * triggers on products, variants and stock_levels (migration 0016), read by the facet index to catch up.
 */
export const catalogChanges = pgTable(
  'catalog_changes',
  {
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    kind: text('kind', { enum: ['product', 'stock'] }).notNull(),
    productIds: uuid('product_ids').array().notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (t) => [
    index('catalog_changes_xid_idx').on(t.xid),
    check('catalog_changes_kind_check', sql`"kind" IN ('product', 'stock')`),
  ],
);
