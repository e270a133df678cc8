import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { anonymous } from '../../../platform/context.js';
import { generateCatalog } from '../../../seed/catalog-data.js';
import { describeEachBackend, createTestStore, type TestStore } from '../../../../test/harness.js';
import { importProducts } from '../import.js';
import * as repository from './repository.js';
import { listProductsQuery, type ProductList } from '../schemas.js';

/**
 * The facet index against the listing stated in SQL alone (repository.listProducts and
 * productFacets): for many random filter combinations, before and after stock, price, archive and
 * new-product changes, the index must return the same products in the same order and the same
 * counts. A seeded random walk, so a failure names a query that can be replayed.
 */

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const searchWords = ['running', 'tee', 'fleece', 'jacket', 'hoodei', 'shorts', 'black', 'kids'];

describeEachBackend('listings from the facet index on %s backends', (backend) => {
  let store: TestStore;
  let vocabulary: { sizes: string[]; colors: string[]; categories: string[]; maxPrice: number };

  beforeAll(async () => {
    store = await createTestStore(backend);
    const all = await list({});
    vocabulary = {
      sizes: all.facets.size.map((f) => f.value),
      colors: all.facets.color.map((f) => f.value),
      categories: [
        ...new Set([...all.facets.category.map((f) => f.value), 'lifestyle', 'running', 'nope']),
      ],
      maxPrice: all.facets.price.max ?? 0,
    };
  });
  afterAll(async () => {
    await store?.close();
  });

  async function list(raw: Record<string, string>): Promise<ProductList> {
    const response = await store.services.catalog.listProducts(
      anonymous,
      listProductsQuery.parse(raw),
    );
    return JSON.parse(response.body) as ProductList;
  }

  function randomQuery(rng: () => number): Record<string, string> {
    const pick = <T>(values: T[]) => values[Math.floor(rng() * values.length)]!;
    const some = (values: string[]) =>
      [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(values)))].join(',');
    const query: Record<string, string> = {};
    if (rng() < 0.3) query.q = pick(searchWords);
    if (rng() < 0.4) query.category = pick(vocabulary.categories);
    if (rng() < 0.4) query.gender = pick(['men', 'women', 'kids', 'unisex']);
    if (rng() < 0.4) query.size = some(vocabulary.sizes);
    if (rng() < 0.4) query.color = some(vocabulary.colors);
    if (rng() < 0.3) query.minPrice = String(Math.floor(rng() * vocabulary.maxPrice * 0.6));
    if (rng() < 0.3)
      query.maxPrice = String(
        Number(query.minPrice ?? 0) + Math.floor(rng() * vocabulary.maxPrice * 0.8),
      );
    if (rng() < 0.3) query.inStock = 'true';
    if (rng() < 0.2) query.onSale = 'true';
    if (rng() < 0.5) query.sort = pick(['newest', 'price_asc', 'price_desc', 'relevance']);
    return query;
  }

  /** Every product of a listing, following its cursors, with the first page's facets. */
  async function walk(raw: Record<string, string>) {
    const first = await list({ ...raw, limit: '7' });
    const ids = first.items.map((i) => i.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await list({ ...raw, limit: '7', cursor });
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    }
    return { ids, total: first.total, facets: first.facets };
  }

  async function reference(raw: Record<string, string>) {
    const query = listProductsQuery.parse({ ...raw, limit: '100' });
    const filter = await store.services.catalog.filterFor(query);
    const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
    const db = store.adapters.database.db;
    const rows = await repository.listProducts(db, { ...filter, limit: 100_000 }, sort, null);
    const facets = await repository.productFacets(db, filter);
    const byValue = <T extends { value: string }>(list: T[]) =>
      [...list].sort((a, b) => (a.value < b.value ? -1 : 1));
    return {
      ids: rows.map((r) => r.id),
      total: facets.total,
      facets: {
        size: byValue(facets.size),
        color: byValue(facets.color),
        gender: byValue(facets.gender),
        category: byValue(facets.category),
        price: facets.price,
      },
    };
  }

  async function expectSameAsReference(seed: number, runs: number) {
    const rng = mulberry32(seed);
    for (let run = 0; run < runs; run++) {
      const query = randomQuery(rng);
      const [actual, expected] = await Promise.all([walk(query), reference(query)]);
      const byValue = <T extends { value: string }>(list: T[]) =>
        [...list].sort((a, b) => (a.value < b.value ? -1 : 1));
      const label = `seed ${seed}, run ${run}: ${new URLSearchParams(query).toString()}`;
      expect(actual.ids, label).toEqual(expected.ids);
      expect(actual.total, label).toBe(expected.total);
      expect(
        {
          size: byValue(actual.facets.size),
          color: byValue(actual.facets.color),
          gender: byValue(actual.facets.gender),
          category: byValue(actual.facets.category),
          price: actual.facets.price,
        },
        label,
      ).toEqual(expected.facets);
    }
  }

  const db = () => store.adapters.database.db;

  it('matches the SQL listing on the seeded catalog', async () => {
    await expectSameAsReference(1, 60);
  });

  it('matches it after variants go out of and back into stock', async () => {
    // Every Medium and every black variant sold out, then a few come back.
    await db().execute(sql`UPDATE stock_levels s SET on_hand = 0 FROM variants v
      WHERE v.id = s.variant_id AND (v.size = 'M' OR v.color = ${vocabulary.colors[0]!})`);
    await store.services.catalog.invalidate();
    await expectSameAsReference(2, 30);
    await db().execute(sql`UPDATE stock_levels s SET on_hand = 3 FROM variants v
      WHERE v.id = s.variant_id AND v.size = 'M' AND v.position % 2 = 0`);
    await store.services.catalog.invalidate();
    await expectSameAsReference(3, 30);
  });

  it('matches it after prices change, products are archived and new ones arrive', async () => {
    await db().execute(sql`UPDATE products SET price_amount = price_amount + 1234
      WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 20)`);
    await db().execute(sql`UPDATE products SET status = 'archived'
      WHERE id IN (SELECT id FROM products ORDER BY id DESC LIMIT 15)`);
    await importProducts(
      db(),
      generateCatalog({ count: 12, seed: 99 }).map((p) => ({
        ...p,
        slug: `new-${p.slug}`,
        variants: p.variants.map((v) => ({ ...v, sku: `NEW-${v.sku}` })),
      })),
    );
    await store.services.catalog.productsChanged();
    await expectSameAsReference(4, 60);
  });

  it('pages past a product that left the listing after its cursor was handed out', async () => {
    const first = await list({ sort: 'price_asc', limit: '5' });
    const last = first.items.at(-1)!;
    await db().execute(sql`UPDATE products SET status = 'archived' WHERE id = ${last.id}::uuid`);
    await store.services.catalog.productsChanged();
    const next = await list({ sort: 'price_asc', limit: '5', cursor: first.nextCursor! });
    const expected = (await reference({ sort: 'price_asc' })).ids;
    const after = expected.findIndex((id) => !first.items.some((i) => i.id === id));
    expect(next.items.map((i) => i.id)).toEqual(expected.slice(after, after + 5));
  });
});
