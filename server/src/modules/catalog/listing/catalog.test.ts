import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous } from '../../../platform/context.js';
import { queryRows } from '../../../platform/db/index.js';
import { describeEachBackend, createTestStore, type TestStore } from '../../../../test/harness.js';
import type { ProductList, Product } from '../schemas.js';

describeEachBackend('catalog API on %s backends', (backend) => {
  let store: TestStore;
  const get = async (url: string, headers: Record<string, string> = {}) =>
    store.app.inject({ method: 'GET', url, headers });
  const list = async (query = ''): Promise<ProductList> => {
    const response = await get(`/api/v1/products${query ? `?${query}` : ''}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  /** Every item of a listing, following nextCursor to the end. */
  const walk = async (query: string): Promise<ProductList['items']> => {
    const items: ProductList['items'] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const body: ProductList = await list(`${query}&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('paging did not end');
  };

  beforeAll(async () => {
    store = await createTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  describe('listing', () => {
    it('serves 24 items by default with a total, facets and a cursor', async () => {
      const body = await list();
      expect(body.items).toHaveLength(24);
      expect(body.total).toBeGreaterThanOrEqual(120);
      expect(body.nextCursor).toEqual(expect.any(String));
      expect(body.facets.gender.map((f) => f.value).sort()).toEqual([
        'kids',
        'men',
        'unisex',
        'women',
      ]);
      expect(body.facets.size.length).toBeGreaterThan(5);
      expect(body.facets.color.length).toBeGreaterThan(5);
      expect(body.facets.category.length).toBeGreaterThan(5);
      expect(body.facets.price.min).toBeLessThan(body.facets.price.max as number);
      const item = body.items[0];
      expect(item).toMatchObject({
        slug: expect.any(String),
        price: { amount: expect.any(Number), currency: 'USD' },
        image: {
          url: expect.stringMatching(/^\/images\/products\/.+\.svg$/),
          alt: expect.any(String),
        },
      });
      expect(Number.isInteger(item?.price.amount)).toBe(true);
    });

    it.each(['newest', 'price_asc', 'price_desc'])(
      'walks the whole catalog by cursor without repeats (sort=%s)',
      async (sort) => {
        const first = await list(`sort=${sort}`);
        const items = await walk(`sort=${sort}`);
        expect(items).toHaveLength(first.total);
        expect(new Set(items.map((i) => i.id)).size).toBe(first.total);
        const prices = items.map((i) => i.price.amount);
        if (sort === 'price_asc') expect(prices).toEqual([...prices].sort((a, b) => a - b));
        if (sort === 'price_desc') expect(prices).toEqual([...prices].sort((a, b) => b - a));
      },
    );

    it('orders newest first by default', async () => {
      const items = await walk('sort=newest');
      const rows = await queryRows<{ slug: string }>(
        store.adapters.database.db,
        sql`SELECT slug FROM products ORDER BY created_at DESC, id DESC`,
      );
      expect(items.map((i) => i.slug)).toEqual(rows.map((r) => r.slug));
    });

    it('filters by category including its descendants', async () => {
      const tree = (await get('/api/v1/categories')).json() as {
        items: { slug: string; children: { slug: string }[] }[];
      };
      const running = tree.items.find((c) => c.slug === 'running');
      expect(running?.children.length).toBeGreaterThan(1);
      const parent = await list('category=running&limit=100');
      let sum = 0;
      for (const child of running?.children ?? [])
        sum += (await list(`category=${child.slug}`)).total;
      expect(parent.total).toBe(sum);
      expect(parent.total).toBeGreaterThan(0);
      const childSlugs = new Set(running?.children.map((c) => c.slug));
      for (const item of parent.items) expect(childSlugs.has(item.category.slug)).toBe(true);
      expect((await list('category=no-such-category')).total).toBe(0);
    });

    it('filters by gender, size and colour', async () => {
      const women = await walk('gender=women');
      expect(women.length).toBeGreaterThan(10);
      expect(women.every((i) => i.gender === 'women')).toBe(true);

      const medium = await walk('size=M');
      expect(medium.length).toBeGreaterThan(10);
      expect(medium.every((i) => i.sizes.includes('M'))).toBe(true);

      const either = await list('size=XS,XXL');
      const repeated = await list('size=XS&size=XXL');
      expect(either.total).toBe(repeated.total);
      expect(either.total).toBeGreaterThanOrEqual((await list('size=XS')).total);

      const black = await walk('color=Black');
      expect(black.length).toBeGreaterThan(0);
      expect(black.every((i) => i.colors.includes('Black'))).toBe(true);

      const combined = await walk('gender=men&size=L&color=Black');
      expect(
        combined.every(
          (i) => i.gender === 'men' && i.sizes.includes('L') && i.colors.includes('Black'),
        ),
      ).toBe(true);
    });

    it('filters by price range in minor units', async () => {
      const items = await walk('minPrice=3000&maxPrice=6000');
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.price.amount >= 3000 && i.price.amount <= 6000)).toBe(true);
      const all = await list();
      const outside = await list('minPrice=3000&maxPrice=6000');
      expect(outside.total).toBeLessThan(all.total);
    });

    it('filters to products in stock, in the chosen size', async () => {
      const all = await list('limit=100');
      const inStock = await walk('inStock=true');
      expect(inStock.every((i) => i.available > 0)).toBe(true);
      const soldOut = await queryRows<{ slug: string }>(
        store.adapters.database.db,
        sql`SELECT p.slug FROM products p WHERE NOT EXISTS (
              SELECT 1 FROM variants v JOIN stock_levels s ON s.variant_id = v.id
              WHERE v.product_id = p.id AND s.on_hand > s.reserved)`,
      );
      expect(soldOut.length).toBeGreaterThan(0);
      expect(inStock.length).toBe(all.total - soldOut.length);
      const slugs = new Set(inStock.map((i) => i.slug));
      for (const row of soldOut) expect(slugs.has(row.slug)).toBe(false);
    });

    it('counts each facet under the other filters but not its own', async () => {
      const medium = await list('size=M&gender=women');
      const large = await list('size=L&gender=women');
      const sizeFacet = new Map(medium.facets.size.map((f) => [f.value, f.count]));
      expect(sizeFacet.get('M')).toBe(medium.total);
      expect(sizeFacet.get('L')).toBe(large.total);
      const genderFacet = new Map(medium.facets.gender.map((f) => [f.value, f.count]));
      expect(genderFacet.get('women')).toBe(medium.total);
      expect(genderFacet.get('men')).toBe((await list('size=M&gender=men')).total);
      const colorSum = medium.facets.color.reduce((n, f) => n + f.count, 0);
      expect(colorSum).toBeGreaterThanOrEqual(medium.total);
      expect(medium.facets.price.min).toBeLessThanOrEqual(medium.facets.price.max as number);
    });
  });

  describe('search', () => {
    it('finds products by words in their name and description', async () => {
      const body = await list('q=hoodie');
      expect(body.total).toBeGreaterThan(0);
      expect(body.items[0]?.name.toLowerCase()).toContain('hoodie');
    });

    it('still finds a product when two letters of a six-letter word are swapped', async () => {
      const [target] = await queryRows<{ name: string; slug: string }>(
        store.adapters.database.db,
        sql`SELECT name, slug FROM products WHERE name ~* '\\m[a-z]{6}\\M' ORDER BY slug LIMIT 1`,
      );
      const word = target?.name.split(/\s+/).find((w) => /^[a-z]{6}$/i.test(w)) as string;
      const typo = word.slice(0, 2) + word[3] + word[2] + word.slice(4);
      expect(typo.toLowerCase()).not.toBe(word.toLowerCase());
      const items = await walk(`q=${encodeURIComponent(typo)}`);
      expect(items.map((i) => i.slug)).toContain(target?.slug);
      // The answer says what it searched for, so a client can ask "did you mean".
      const answer = await list(`q=${encodeURIComponent(typo)}`);
      expect(answer.correctedQuery).toBe(word.toLowerCase());
      expect((await list('q=hoodie')).correctedQuery).toBeUndefined();
    });

    it('ranks, pages and filters search results', async () => {
      const first = await list('q=running&limit=5');
      expect(first.total).toBeGreaterThan(5);
      const all = await walk('q=running');
      expect(all).toHaveLength(first.total);
      expect(new Set(all.map((i) => i.id)).size).toBe(first.total);
      const women = await list('q=running&gender=women');
      expect(women.total).toBeLessThan(first.total);
    });

    it('treats SQL and script text as plain text', async () => {
      for (const q of [
        "'; DROP TABLE products; --",
        '<script>alert(1)</script>',
        "' OR 1=1 --",
        '%_\\',
      ]) {
        const response = await get(`/api/v1/products?q=${encodeURIComponent(q)}`);
        expect(response.statusCode).toBe(200);
        expect(response.body).not.toContain('<script>');
      }
      expect((await list()).total).toBeGreaterThanOrEqual(120);
    });
  });

  describe('product page and categories', () => {
    it('returns a product with variants, availability and images per colour', async () => {
      const slug = (await list()).items[0]?.slug as string;
      const response = await get(`/api/v1/products/${slug}`);
      expect(response.statusCode).toBe(200);
      const product = response.json() as Product;
      expect(product.slug).toBe(slug);
      expect(product.variants.length).toBe(product.colors.length * product.sizes.length);
      for (const variant of product.variants) {
        expect(Number.isInteger(variant.available)).toBe(true);
        expect(variant.sku).toMatch(/\S/);
      }
      expect(new Set(product.images.map((i) => i.color))).toEqual(new Set(product.colors));
      const image = await get(product.images[0]?.url as string);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toContain('image/svg+xml');
      expect(image.body.startsWith('<svg')).toBe(true);
    });

    it('answers 404 not_found for an unknown slug', async () => {
      const response = await get('/api/v1/products/no-such-product');
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 404, code: 'not_found' });
    });

    it('serves the category tree', async () => {
      const body = (await get('/api/v1/categories')).json() as {
        items: { slug: string; parentId: string | null; children: { parentId: string }[] }[];
      };
      expect(body.items.length).toBeGreaterThanOrEqual(4);
      for (const root of body.items) {
        expect(root.parentId).toBeNull();
        expect(root.children.length).toBeGreaterThan(0);
      }
    });
  });

  describe('caching', () => {
    it('serves a repeated listing from the cache with the same ETag, and 304 on If-None-Match', async () => {
      const first = await get('/api/v1/products?gender=kids&sort=price_asc');
      const second = await get('/api/v1/products?sort=price_asc&gender=kids');
      expect(first.headers['x-cache']).toBe('miss');
      expect(second.headers['x-cache']).toBe('hit');
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.body).toBe(first.body);
      expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
      const notModified = await get('/api/v1/products?gender=kids&sort=price_asc', {
        'if-none-match': first.headers.etag as string,
      });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.body).toBe('');
      const stale = await get('/api/v1/products?gender=kids&sort=price_asc', {
        'if-none-match': '"other"',
      });
      expect(stale.statusCode).toBe(200);
    });

    it('drops cached pages when stock changes', async () => {
      const slug = (await list('inStock=true')).items[0]?.slug as string;
      const before = (await get(`/api/v1/products/${slug}`)).json() as Product;
      expect((await get(`/api/v1/products/${slug}`)).headers['x-cache']).toBe('hit');
      const listingBefore = await get(`/api/v1/products?q=${encodeURIComponent(before.name)}`);
      const variant = before.variants[0] as Product['variants'][number];

      await store.services.inventory.setOnHand(anonymous, variant.id, variant.available + 7);

      const after = await get(`/api/v1/products/${slug}`);
      expect(after.headers['x-cache']).toBe('miss');
      expect(after.headers.etag).not.toBe(
        (await get(`/api/v1/products/${slug}`, {})).headers['x-other'],
      );
      const updated = (after.json() as Product).variants.find((v) => v.id === variant.id);
      expect(updated?.available).toBe(variant.available + 7);
      const listingAfter = await get(`/api/v1/products?q=${encodeURIComponent(before.name)}`);
      expect(listingAfter.headers['x-cache']).toBe('miss');
      expect(listingAfter.headers.etag).not.toBe(listingBefore.headers.etag);
    });

    it('records the stock change in the outbox, in the same transaction', async () => {
      const slug = (await list()).items[1]?.slug as string;
      const product = (await get(`/api/v1/products/${slug}`)).json() as Product;
      const variant = product.variants[0] as Product['variants'][number];
      await store.services.inventory.setOnHand(anonymous, variant.id, 3);
      const events = await queryRows<{
        type: string;
        payload: { reason: string; items: { variantId: string; onHand: number }[] };
      }>(
        store.adapters.database.db,
        sql`SELECT type, payload FROM outbox
            WHERE type = 'inventory_update' AND payload->'items' @> ${JSON.stringify([{ variantId: variant.id }])}::jsonb`,
      );
      expect(events).toEqual([
        expect.objectContaining({
          type: 'inventory_update',
          payload: {
            reason: 'adjusted',
            items: [
              {
                variantId: variant.id,
                onHand: 3,
                reserved: 0,
                available: 3,
                previousAvailable: variant.available,
              },
            ],
          },
        }),
      ]);
    });
  });

  describe('bad input', () => {
    it.each([
      ['limit=abc', 'query.limit'],
      ['limit=100000', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['sort=cheapest', 'query.sort'],
      ['minPrice=-1', 'query.minPrice'],
      ['maxPrice=12.5', 'query.maxPrice'],
      ['minPrice=5000&maxPrice=1000', 'query.maxPrice'],
      ['gender=aliens', 'query.gender'],
      ['inStock=maybe', 'query.inStock'],
      ['category=DROP%20TABLE', 'query.category'],
      ['cursor=not-a-cursor', 'query.cursor'],
      [
        `cursor=${Buffer.from('{"s":"newest","v":1,"id":"x"}').toString('base64url')}`,
        'query.cursor',
      ],
    ])('%s → 400 validation_failed naming %s', async (query, path) => {
      const response = await get(`/api/v1/products?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const body = response.json() as { code: string; errors: { path: string; message: string }[] };
      expect(body.code).toBe('validation_failed');
      expect(body.errors.map((e) => e.path)).toContain(path);
      expect(response.body).not.toMatch(/at .+\.ts:\d+|SELECT|stack/i);
    });

    it('refuses an invalid query every time, never from a cache', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await get('/api/v1/products?limit=abc')).statusCode).toBe(400);
        expect((await get('/api/v1/products/%00')).statusCode).toBeGreaterThanOrEqual(400);
      }
      const valid = await get('/api/v1/products?limit=3');
      expect(valid.statusCode).toBe(200);
      expect((await get('/api/v1/products?limit=3')).headers['x-cache']).toBe('hit');
    });

    it('rejects a cursor from another sort order', async () => {
      const cursor = (await list('sort=price_asc')).nextCursor as string;
      const response = await get(`/api/v1/products?sort=newest&cursor=${cursor}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await get('/api/v1/nothing-here');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not_found' });
    });
  });
});
