import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/platform/db/index.js';
import { importProducts, type Product, type ProductImport } from '../src/modules/catalog/index.js';
import {
  createSitemaps,
  escapeXml,
  jsonForScript,
  summarise,
} from '../src/modules/catalog/index.js';
import { compileIndexHtml } from '../src/platform/http/storefront.js';
import { raw } from '../src/platform/html.js';
import { buildApi } from '../src/server.js';
import { describeEachBackend, createTestStore, silentLogger, type TestStore } from './harness.js';

/** The storefront's index.html as Vite writes it: the title and description are its defaults. */
const indexHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta
      name="description"
      content="Stride — athletic apparel for running, training and everyday movement."
    />
    <title>Stride — athletic apparel</title>
    <script type="module" crossorigin src="/assets/index-abc123.js"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

const site = 'https://shop.example.test';
const hostile = '</script><script>alert(1)</script>';

const product = (slug: string, overrides: Partial<ProductImport>, onHand = 5): ProductImport => ({
  slug,
  name: 'Test Runner',
  description: 'A plain test product.',
  gender: 'unisex',
  categorySlug: 'running-tops',
  colors: ['Black'],
  sizes: ['M'],
  variants: [
    { sku: `${slug}-m`, size: 'M', color: 'Black', price: 4999, compareAtPrice: null, onHand },
  ],
  images: [
    { color: 'Black', url: `/images/products/${slug}/black.svg`, alt: 'Test Runner', position: 0 },
  ],
  ...overrides,
});

/**
 * Enough of XML to call a document well-formed: every element closed in order, attributes quoted,
 * and no `<` or bare `&` in text.
 */
function expectWellFormed(xml: string) {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<&]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name as string);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1] as string);

/** The JSON-LD of a page, parsed. */
function jsonLd(page: string): Record<string, unknown> {
  const scripts = [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
  expect(scripts).toHaveLength(1);
  return JSON.parse(scripts[0]?.[1] as string) as Record<string, unknown>;
}

describe('the page head, from index.html', () => {
  it('replaces the title and description where they stand and adds the rest before </head>', () => {
    const render = compileIndexHtml(indexHtml);
    const page = render({
      status: 200,
      title: 'A & B',
      description: 'Say "hi"',
      tags: raw('<link rel="canonical" href="https://x.test/" />\n'),
    });
    expect(page.match(/<title>/g)).toHaveLength(1);
    expect(page).toContain('<title>A &amp; B</title>');
    expect(page.match(/name="description"/g)).toHaveLength(1);
    expect(page).toContain('<meta name="description" content="Say &quot;hi&quot;" />');
    expect(page).toContain(
      '</script>\n    <link rel="canonical" href="https://x.test/" />\n  </head>',
    );
    // Unchanged fields keep index.html's own.
    expect(render({ status: 200, tags: raw('') })).toBe(indexHtml);
  });

  it('escapes what could end a script element, and cuts long descriptions at a word', () => {
    expect(jsonForScript({ d: hostile })).not.toContain('<');
    expect(JSON.parse(jsonForScript({ d: hostile }))).toEqual({ d: hostile });
    expect(summarise('word '.repeat(100), 40)).toBe(`${'word '.repeat(7).trim()}…`);
    expect(escapeXml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
  });
});

describeEachBackend('shareable storefront URLs on %s backends', (backend) => {
  let store: TestStore;
  let app: FastifyInstance;
  let small: FastifyInstance;
  let dir: string;
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stride-seo-'));
    await writeFile(join(dir, 'index.html'), indexHtml);
    store = await createTestStore(backend, { PUBLIC_URL: `${site}/` });
    await importProducts(store.adapters.database.db, [
      product('hostile-runner', { name: 'Evil <b>"Runner"</b>', description: hostile }),
      product('sold-out-runner', { name: 'Sold Out Runner' }, 0),
    ]);
    await store.services.catalog.productsChanged();
    const build = async (sitemapUrlsPerFile?: number) => {
      const { services } = store;
      const { app: built } = await buildApi({
        config: store.config,
        adapters: store.adapters,
        logger: silentLogger,
        storefrontDir: dir,
        // The same store with a sitemap that splits after a few URLs.
        services: sitemapUrlsPerFile
          ? {
              ...services,
              sitemaps: createSitemaps({
                db: store.adapters.database.db,
                catalog: services.catalog,
                publicUrl: store.config.PUBLIC_URL,
                urlsPerFile: sitemapUrlsPerFile,
              }),
            }
          : services,
      });
      await built.ready();
      return built;
    };
    app = await build();
    small = await build(40);
  });
  afterAll(async () => {
    await app?.close();
    await small?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a product URL its title, canonical URL, Open Graph tags and Product data', async () => {
    const [row] = await queryRows<{ slug: string }>(
      store.adapters.database.db,
      sql`SELECT slug FROM products WHERE status = 'active' AND slug NOT LIKE '%runner' ORDER BY slug LIMIT 1`,
    );
    const slug = row?.slug as string;
    const api: Product = (await get(`/api/v1/products/${slug}`)).json();
    const page = await get(`/products/${slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const body = page.body;
    const url = `${site}/products/${slug}`;
    expect(body.match(/<title>/g)).toHaveLength(1);
    expect(body).toContain(`<title>${api.name} · Stride</title>`);
    expect(body.match(/name="description"/g)).toHaveLength(1);
    expect(body).toContain(`<link rel="canonical" href="${url}" />`);
    expect(body).toContain('<meta property="og:type" content="product" />');
    expect(body).toContain(`<meta property="og:title" content="${api.name}" />`);
    expect(body).toContain(`<meta property="og:url" content="${url}" />`);
    expect(body).toContain(`<meta property="og:image" content="${site}${api.images[0]?.url}" />`);
    expect(body).toMatch(/<meta property="og:description" content="[^"]+" \/>/);
    expect(body).not.toContain('noindex');
    // Still the storefront: its root and its script.
    expect(body).toContain('<div id="root"></div>');
    expect(body).toContain('src="/assets/index-abc123.js"');

    const data = jsonLd(body);
    const inStock = api.variants.some((variant) => variant.available > 0);
    expect(data).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: api.name,
      description: api.description,
      productID: api.id,
      url,
      brand: { '@type': 'Brand', name: 'Stride' },
      offers: {
        '@type': 'Offer',
        url,
        price: (api.price.amount / 100).toFixed(2),
        priceCurrency: 'USD',
        availability: `https://schema.org/${inStock ? 'InStock' : 'OutOfStock'}`,
      },
    });
    expect(data.image).toEqual(expect.arrayContaining([`${site}${api.images[0]?.url}`]));

    // Unchanged, it is not sent again.
    const again = await get(`/products/${slug}`, { 'if-none-match': String(page.headers.etag) });
    expect(again.statusCode).toBe(304);
  });

  it('says a product whose every variant is sold out is out of stock', async () => {
    const data = jsonLd((await get('/products/sold-out-runner')).body);
    expect(data.offers).toMatchObject({
      price: '49.99',
      availability: 'https://schema.org/OutOfStock',
    });
  });

  it('keeps hostile product text inside its attribute and its script element', async () => {
    const page = await get('/products/hostile-runner');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain('<b>');
    // The module script and the JSON-LD: no other element was opened or closed.
    expect(body.match(/<script\b/g)).toHaveLength(2);
    expect(body.match(/<\/script>/g)).toHaveLength(2);
    expect(body).toContain('<title>Evil &lt;b&gt;&quot;Runner&quot;&lt;/b&gt; · Stride</title>');
    expect(body).toContain(
      '<meta name="description" content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" />',
    );
    expect(jsonLd(body)).toMatchObject({ name: 'Evil <b>"Runner"</b>', description: hostile });
  });

  it('answers an unknown product, category or page with 404 and noindex, and still the storefront', async () => {
    for (const url of [
      '/products/no-such-product',
      '/shop/no-such-category',
      `/products/${'a'.repeat(201)}`,
      // Not a page of the storefront at all: a true 404 rather than a soft one.
      '/no-such-page',
      '/products',
      '/shop/running-tops/extra',
    ]) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(404);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<meta name="robots" content="noindex" />');
      expect(page.body).toContain('<div id="root"></div>');
    }
  });

  it('gives a category, the shop and the home page their own head', async () => {
    const category = (await get('/shop/running-tops?size=M&sort=price_asc')).body;
    expect(category).toContain('<title>Running Tops · Stride</title>');
    // Filters are views of the one page.
    expect(category).toContain(`<link rel="canonical" href="${site}/shop/running-tops" />`);
    expect(category).toContain('<meta property="og:type" content="website" />');
    expect((await get('/shop')).body).toContain(`<link rel="canonical" href="${site}/shop" />`);
    const home = await get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`<link rel="canonical" href="${site}/" />`);
    expect(home.body).toContain('<title>Stride — athletic apparel</title>');
  });

  it('preloads the first API read of a page opened as is, and not of a filtered one', async () => {
    const preload = (url: string) =>
      `<link rel="preload" href="${url}" as="fetch" crossorigin="anonymous" />`;
    expect((await get('/shop')).body).toContain(preload('/api/v1/products?limit=24'));
    expect((await get('/shop/running-tops')).body).toContain(
      preload('/api/v1/products?limit=24&amp;category=running-tops'),
    );
    expect((await get('/')).body).toContain(preload('/api/v1/products?sort=newest&amp;limit=8'));
    const [product] = (await get('/api/v1/products?limit=1')).json().items as { slug: string }[];
    expect((await get(`/products/${product!.slug}?color=Black`)).body).not.toContain(
      'rel="preload"',
    );
    expect((await get(`/products/${product!.slug}`)).body).toContain(
      preload(`/api/v1/products/${product!.slug}`),
    );
    expect((await get('/shop?size=M')).body).not.toContain('rel="preload"');
  });

  it('keeps private and transactional pages out of search results', async () => {
    for (const url of [
      '/bag',
      '/checkout',
      '/sign-in',
      '/sign-up',
      '/reset-password?token=x',
      '/account',
      '/account/orders',
      '/admin',
      '/orders/123/confirmation',
      '/search?q=tee',
    ]) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('<meta name="robots" content="noindex" />');
    }
  });

  it('serves robots.txt with the private paths and the sitemap', async () => {
    const robots = await get('/robots.txt');
    expect(robots.statusCode).toBe(200);
    expect(robots.headers['content-type']).toContain('text/plain');
    const lines = robots.body.split('\n');
    expect(lines).toContain('User-agent: *');
    for (const path of ['/api/', '/checkout', '/bag', '/account', '/orders/', '/gateway/']) {
      expect(lines).toContain(`Disallow: ${path}`);
    }
    expect(lines).toContain(`Sitemap: ${site}/sitemap.xml`);
  });

  it('lists every product and category in one sitemap while it fits', async () => {
    const active = await queryRows<{ slug: string }>(
      store.adapters.database.db,
      sql`SELECT slug FROM products WHERE status = 'active'`,
    );
    const plain = await get('/sitemap.xml');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('application/xml; charset=utf-8');
    const xml = plain.body;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns=/);
    expectWellFormed(xml);
    const urls = locs(xml);
    expect(urls.every((url) => url.startsWith(`${site}/`))).toBe(true);
    expect(urls).toContain(`${site}/`);
    expect(urls).toContain(`${site}/shop/running-tops`);
    expect(urls.filter((url) => url.includes('/products/')).sort()).toEqual(
      active.map((row) => `${site}/products/${row.slug}`).sort(),
    );
    expect(xml).toMatch(
      /<url><loc>[^<]+\/products\/hostile-runner<\/loc><lastmod>\d{4}-\d\d-\d\dT[\d:.]+Z<\/lastmod><\/url>/,
    );
    // Crawlers take it as it is kept, gzipped.
    const gzipped = await get('/sitemap.xml', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(xml);
  });

  it('splits into a sitemap index and product files past the per-file limit', async () => {
    const active = await queryRows<{ slug: string }>(
      store.adapters.database.db,
      sql`SELECT slug FROM products WHERE status = 'active'`,
    );
    const files = Math.ceil(active.length / 40);
    const index = await small.inject('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expectWellFormed(index.body);
    expect(index.body).toContain(
      '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    );
    expect(locs(index.body)).toEqual([
      `${site}/sitemap-pages.xml`,
      ...Array.from({ length: files }, (_, i) => `${site}/sitemap-products-${i + 1}.xml`),
    ]);
    const listed: string[] = [];
    for (let n = 1; n <= files; n++) {
      const file = await small.inject(`/sitemap-products-${n}.xml`);
      expect(file.statusCode).toBe(200);
      expectWellFormed(file.body);
      const urls = locs(file.body);
      expect(urls.length).toBeLessThanOrEqual(40);
      listed.push(...urls);
    }
    expect(listed.sort()).toEqual(active.map((row) => `${site}/products/${row.slug}`).sort());
    const pages = locs((await small.inject('/sitemap-pages.xml')).body);
    expect(pages).toEqual(expect.arrayContaining([`${site}/`, `${site}/shop/running-tops`]));
    expect((await small.inject(`/sitemap-products-${files + 1}.xml`)).statusCode).toBe(404);
    expect((await small.inject('/sitemap-products-0.xml')).statusCode).toBe(404);
  });

  it('keeps these routes out of the API document', async () => {
    const document = (await app.inject('/openapi.json')).json() as { paths: object };
    const paths = Object.keys(document.paths);
    expect(paths.some((path) => /sitemap|robots|^\/\*|^\/$/.test(path))).toBe(false);
  });
});
