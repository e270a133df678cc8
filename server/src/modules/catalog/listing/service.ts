import type { Cache } from '../../../platform/cache/port.js';
import type { Context } from '../../../platform/context.js';
import type { Db } from '../../../platform/db/index.js';
import { money } from '../../../platform/money.js';
import { NotFound } from '../../../platform/errors.js';
import { cachedResponse, createCatalogCache, etagOf, type CachedResponse } from './cache.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import * as repository from './repository.js';
import { findSaleVariants, type SaleVariant } from './sale.js';
import type { CategoryLabel, FacetIndex } from './facet-index.js';
import { createFacetSource } from './facet-source.js';
import { createSpeller } from './spelling.js';
import { compareSizes } from './size-order.js';
import type {
  CategoryNode,
  ListProductsQuery,
  Product,
  ProductList,
  ProductSummary,
} from '../schemas.js';

export interface CatalogServiceDeps {
  db: Db;
  cache: Cache;
  /** Seconds an entry lives in the cache. */
  cacheTtlSeconds: number;
}

/** Product summaries kept per process for one catalog version (the most recently read first out). */
const summaryCacheEntries = 10_000;

function toSummary(row: repository.SummaryRow): ProductSummary {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    gender: row.gender,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    image: row.image,
    price: money(row.price_amount, row.currency),
    ...(row.compare_at_amount !== null
      ? { compareAtPrice: money(row.compare_at_amount, row.currency) }
      : {}),
    colors: row.colors,
    sizes: row.sizes,
    available: row.available,
  };
}

/** A variant's identity and prices, as every view of it shows them. */
function variantFields(
  v: {
    id: string;
    sku: string;
    size: string;
    color: string;
    price_amount: number;
    compare_at_amount: number | null;
  },
  currency: string,
) {
  return {
    id: v.id,
    sku: v.sku,
    size: v.size,
    color: v.color,
    price: money(v.price_amount, currency),
    ...(v.compare_at_amount !== null
      ? { compareAtPrice: money(v.compare_at_amount, currency) }
      : {}),
  };
}

function toProduct(row: repository.ProductRow): Product {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    gender: row.gender,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    images: row.images,
    price: money(row.price_amount, row.currency),
    ...(row.compare_at_amount !== null
      ? { compareAtPrice: money(row.compare_at_amount, row.currency) }
      : {}),
    colors: row.colors,
    sizes: row.sizes,
    variants: row.variants.map((v) => ({
      ...variantFields(v, row.currency),
      available: v.available,
    })),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const sortedSet = (values?: string[]) => (values?.length ? [...new Set(values)].sort() : undefined);

/** The cache key of the products a listing's filters select, whatever their order or page. */
export function filterKey(query: ListProductsQuery): string {
  return JSON.stringify([
    query.q?.toLowerCase().replace(/\s+/g, ' ') || undefined,
    query.category,
    query.gender,
    sortedSet(query.size),
    sortedSet(query.color),
    query.minPrice,
    query.maxPrice,
    query.inStock || undefined,
    query.onSale || undefined,
  ]);
}

/** The cache key of a listing: the same products in the same order always map to one key. */
export function listingKey(query: ListProductsQuery): string {
  return JSON.stringify([
    filterKey(query),
    query.sort ?? (query.q ? 'relevance' : 'newest'),
    query.limit,
    query.cursor,
  ]);
}

/**
 * Each category slug with the ids of the category and all its descendants, derived once per tree
 * the facet index holds: the index reloads the tree whenever a change under a category reaches it
 * (a category write rewrites its products' search keywords, which logs them), in every process.
 */
const subtreesByTree = new WeakMap<ReadonlyMap<string, CategoryLabel>, Map<string, string[]>>();
function subtreesOf(index: FacetIndex): Map<string, string[]> {
  const tree = index.categories();
  let bySlug = subtreesByTree.get(tree);
  if (!bySlug) {
    const children = new Map<string | null, CategoryLabel[]>();
    for (const node of tree.values())
      children.set(node.parentId, [...(children.get(node.parentId) ?? []), node]);
    const collect = (id: string): string[] => [
      id,
      ...(children.get(id) ?? []).flatMap((c) => collect(c.id)),
    ];
    bySlug = new Map([...tree.values()].map((node) => [node.slug, collect(node.id)]));
    subtreesByTree.set(tree, bySlug);
  }
  return bySlug;
}

export function createCatalogService(deps: CatalogServiceDeps) {
  const { db } = deps;
  const cache = createCatalogCache(deps.cache, { ttlSeconds: deps.cacheTtlSeconds });
  const speller = createSpeller(() => repository.searchWords(db));
  const facetSource = createFacetSource(db);

  /**
   * Serve from the cache, or build, cache and serve; `undefined` from `build` means not found. With a
   * request URL, the response is also remembered under that exact URL (see `byUrl`).
   */
  async function cached(
    key: string,
    build: (version: string) => Promise<unknown | undefined>,
    url?: string,
    options: { shared?: boolean } = {},
  ): Promise<CachedResponse & { cacheHit: boolean }> {
    const { version, hit } = await cache.read(key, options);
    if (hit) {
      if (url) cache.rememberUrl(version, url, hit);
      return { ...hit, cacheHit: true };
    }
    const value = await build(version);
    if (value === undefined) throw new NotFound();
    const body = JSON.stringify(value);
    const response = cachedResponse(etagOf(body), body);
    await cache.write(version, key, response, options);
    if (url) cache.rememberUrl(version, url, response);
    return { ...response, cacheHit: false };
  }

  /** The query as the SQL takes it: search words corrected, the category resolved to its subtree. */
  async function filterFor(
    query: ListProductsQuery,
    index?: FacetIndex,
  ): Promise<repository.ListingFilter> {
    const tree = query.category
      ? subtreesOf(index ?? (await facetSource.current(await cache.version())))
      : undefined;
    return {
      ...query,
      ...(query.q ? { qCorrected: await speller.correct(query.q) } : {}),
      ...(query.category ? { categoryIds: tree?.get(query.category) ?? [] } : {}),
    };
  }

  async function buildListing(query: ListProductsQuery, version: string): Promise<ProductList> {
    const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
    const ranked = sort === 'relevance' && Boolean(query.q);
    const position = query.cursor ? decodeCursor(query.cursor, sort, ranked) : null;
    const index = await facetSource.current(version);
    const filter = await filterFor(query, index);
    const search = query.q ? await facetSource.search(index, filter) : undefined;
    const listing = index.listing(
      {
        ...(search ? { search } : {}),
        ...(filter.categoryIds ? { categoryIds: filter.categoryIds } : {}),
        ...(query.gender ? { gender: query.gender } : {}),
        ...(query.size ? { size: query.size } : {}),
        ...(query.color ? { color: query.color } : {}),
        ...(query.minPrice !== undefined ? { minPrice: query.minPrice } : {}),
        ...(query.maxPrice !== undefined ? { maxPrice: query.maxPrice } : {}),
        ...(query.inStock ? { inStock: true } : {}),
        ...(query.onSale ? { onSale: true } : {}),
      },
      sort,
      position,
      query.limit,
    );
    const { facets } = listing;
    return {
      items: await summariesFor(listing.ids, version),
      nextCursor: listing.next ? encodeCursor(sort, listing.next) : null,
      total: listing.total,
      ...(filter.qCorrected ? { correctedQuery: filter.qCorrected } : {}),
      facets: {
        size: facets.size.sort((a, b) => compareSizes(a.value, b.value)),
        color: facets.color,
        gender: facets.gender as ProductList['facets']['gender'],
        category: facets.category,
        price: facets.price,
      },
    };
  }

  let summaries = { version: '', byId: new Map<string, ProductSummary>() };

  /**
   * A page's product cards. Pages of different filters share most of their products, so each card
   * read is kept for as long as the catalog version stands (any product or stock change retires it,
   * as it retires every cached response); only cards not seen under this version are read.
   */
  async function summariesFor(ids: string[], version: string): Promise<ProductSummary[]> {
    if (summaries.version !== version) summaries = { version, byId: new Map() };
    const kept = summaries.byId;
    const missing = ids.filter((id) => !kept.has(id));
    if (missing.length > 0) {
      for (const row of await repository.summariesByIds(db, missing))
        kept.set(row.id, toSummary(row));
      for (const oldest of kept.keys()) {
        if (kept.size <= summaryCacheEntries) break;
        kept.delete(oldest);
      }
    }
    return ids.flatMap((id) => kept.get(id) ?? []);
  }

  async function buildCategoryTree(): Promise<{ items: CategoryNode[] }> {
    const rows = await repository.listCategories(db);
    const nodes = new Map<string, CategoryNode>(
      rows.map((r) => [
        r.id,
        { id: r.id, slug: r.slug, name: r.name, parentId: r.parent_id, children: [] },
      ]),
    );
    const roots: CategoryNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return { items: roots };
  }

  return {
    filterFor,
    /** A response this process already gave for this exact URL, if the catalog has not changed since. */
    byUrl: (_ctx: Context, url: string) => cache.readUrl(url),
    /** `byUrl` without waiting when it can answer at once (null: not known; undefined: ask `byUrl`). */
    byUrlNow: (_ctx: Context, url: string) => cache.readUrlNow(url),
    listProducts: (_ctx: Context, query: ListProductsQuery, url?: string) =>
      // A listing is built from the facet index in memory in less time than a round trip to
      // Redis would take, so each process keeps its own listings and Redis is left out.
      cached(`products:${listingKey(query)}`, (version) => buildListing(query, version), url, {
        shared: false,
      }),
    getProduct: (_ctx: Context, slug: string, url?: string) =>
      cached(
        `product:${slug}`,
        async () => {
          const row = await repository.findProductBySlug(db, slug);
          return row ? toProduct(row) : undefined;
        },
        url,
      ),
    listCategories: (_ctx: Context, url?: string) => cached('categories', buildCategoryTree, url),
    /** Live price, status and availability of variants, for carts and orders (never cached). */
    saleVariants: (ctx: Context, variantIds: string[]): Promise<Map<string, SaleVariant>> =>
      findSaleVariants(ctx.tx ?? db, variantIds),
    /** The catalog version: it moves with every product or stock change, here or elsewhere. */
    version: () => cache.version(),
    /** Build the facet index now, so the first listing does not wait for it. */
    warm: async () => {
      await facetSource.current(await cache.version());
    },
    /** Retire every cached catalog response (after a product or stock change). */
    invalidate: () => cache.bump(),
    /** After products were added, renamed or archived: their words change what search can correct. */
    productsChanged: async () => {
      speller.reset();
      await cache.bump();
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
