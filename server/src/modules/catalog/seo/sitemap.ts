import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../platform/db/index.js';
import { NotFound } from '../../../platform/errors.js';
import { listCategories } from '../listing/repository.js';
import type { CatalogService } from '../listing/service.js';

/**
 * The sitemap: the home page, the shop, every category and every active product, as absolute URLs.
 * One file while it holds at most `urlsPerFile` URLs (the protocol allows 50,000); beyond that,
 * `/sitemap.xml` is a sitemap index naming `/sitemap-pages.xml` (home, shop, categories: a tree a
 * shopper browses, never split) and `/sitemap-products-N.xml`, `urlsPerFile` products each, in
 * creation order, so a file's products stay in it as the catalog grows.
 *
 * A file is written once into gzip, reading products a batch at a time: 100,000 products are 11 MB
 * of XML but 380 KB kept (measured on PostgreSQL: 0.7 s to write a file of 50,000), and no request
 * builds anything while the file stands. Crawlers take gzip, so it goes out as kept; a client that
 * does not is sent it unzipped as it streams.
 *
 * A file stands while the catalog version does. The version also moves on every sale (stock), which
 * does not change a sitemap, so a file is kept for `maxStaleMs` after it was written whatever the
 * version: a burst of crawler requests costs one build, and a new product is listed minutes later.
 */

/** The sitemap protocol's limit of URLs in one file (sitemaps.org). */
export const sitemapUrlLimit = 50_000;
/** Products read per query while a file is written. */
const batchSize = 5_000;
const defaultMaxStaleMs = 5 * 60_000;

export interface SitemapOptions {
  db: Db;
  catalog: CatalogService;
  /** Where shoppers reach the store (PUBLIC_URL). */
  publicUrl: string;
  /** URLs in one file before the sitemap splits (tests use a few); at most `sitemapUrlLimit`. */
  urlsPerFile?: number;
  /** How long a written file may be served after the catalog changed. */
  maxStaleMs?: number;
}

export interface SitemapFile {
  etag: string;
  gzip: Buffer;
}

interface Layout {
  products: number;
  categories: string[];
  split: boolean;
  productFiles: number;
}

interface ProductEntry {
  id: string;
  slug: string;
  updated_at: Date | string;
}

const xmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const escapeXml = (value: string) => value.replace(/[&<>"']/g, (c) => xmlEntities[c] ?? c);

const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
const namespace = 'http://www.sitemaps.org/schemas/sitemap/0.9';

const urlEntry = (loc: string, lastmod?: string) =>
  `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>\n`;

/** Writes text into gzip as it is produced; only the compressed bytes are kept. */
async function gzipped(
  write: (out: (text: string) => void) => Promise<void>,
): Promise<SitemapFile> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gzip, 'end');
  try {
    await write((text) => gzip.write(text));
  } catch (error) {
    gzip.destroy();
    throw error;
  }
  gzip.end();
  await ended;
  const body = Buffer.concat(chunks);
  return { gzip: body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** Active products in creation order (ids are UUIDv7), from the `first`-th, `count` at most. */
async function* productBatches(db: Db, first: number, count: number) {
  let after: string | null = null;
  let left = count;
  while (left > 0) {
    const limit = Math.min(batchSize, left);
    // The first batch finds its start by offset; the next ones continue after the last id.
    const rows: ProductEntry[] = await queryRows<ProductEntry>(
      db,
      sql`SELECT id::text AS id, slug, updated_at FROM products
          WHERE status = 'active' ${after ? sql`AND id > ${after}::uuid` : sql``}
          ORDER BY id LIMIT ${limit} ${after ? sql`` : sql`OFFSET ${first}`}`,
    );
    const last = rows.at(-1);
    if (!last) return;
    yield rows;
    left -= rows.length;
    after = last.id;
    if (rows.length < limit) return;
  }
}

export function createSitemaps(options: SitemapOptions) {
  const { db, catalog } = options;
  const site = options.publicUrl.replace(/\/+$/, '');
  const perFile = Math.min(options.urlsPerFile ?? sitemapUrlLimit, sitemapUrlLimit);
  if (!Number.isInteger(perFile) || perFile < 1) throw new Error('urlsPerFile must be at least 1');
  const maxStaleMs = options.maxStaleMs ?? defaultMaxStaleMs;
  const kept = new Map<string, { version: string; at: number; value: Promise<unknown> }>();

  /** What `build` made for this key, while it stands (see above); concurrent requests share one build. */
  async function keep<T>(key: string, build: () => Promise<T>): Promise<T> {
    const version = await catalog.version();
    const entry = kept.get(key);
    if (entry && (entry.version === version || Date.now() - entry.at < maxStaleMs)) {
      return entry.value as Promise<T>;
    }
    const value = build();
    kept.set(key, { version, at: Date.now(), value });
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key);
    });
    return value;
  }

  const layout = () =>
    keep('layout', async (): Promise<Layout> => {
      const [counted] = await queryRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM products WHERE status = 'active'`,
      );
      const products = counted?.n ?? 0;
      const categories = (await listCategories(db)).map((row) => row.slug);
      return {
        products,
        categories,
        // The home page and the shop are two more URLs.
        split: products + categories.length + 2 > perFile,
        productFiles: Math.max(1, Math.ceil(products / perFile)),
      };
    });

  function writePages(out: (text: string) => void, { categories }: Layout) {
    out(urlEntry(`${site}/`));
    out(urlEntry(`${site}/shop`));
    for (const slug of categories) out(urlEntry(`${site}/shop/${encodeURIComponent(slug)}`));
  }

  async function writeProducts(out: (text: string) => void, first: number, count: number) {
    for await (const rows of productBatches(db, first, count)) {
      out(
        rows
          .map((row) =>
            urlEntry(
              `${site}/products/${encodeURIComponent(row.slug)}`,
              new Date(row.updated_at).toISOString(),
            ),
          )
          .join(''),
      );
    }
  }

  const urlset = (write: (out: (text: string) => void) => Promise<void> | void) =>
    gzipped(async (out) => {
      out(`${xmlDeclaration}<urlset xmlns="${namespace}">\n`);
      await write(out);
      out('</urlset>\n');
    });

  return {
    /** `/sitemap.xml`: every URL, or the index of the files that hold them. */
    root: async (): Promise<SitemapFile> => {
      const plan = await layout();
      return keep(`root:${plan.split}`, () =>
        plan.split
          ? gzipped(async (out) => {
              const files = [
                `${site}/sitemap-pages.xml`,
                ...Array.from(
                  { length: plan.productFiles },
                  (_, i) => `${site}/sitemap-products-${i + 1}.xml`,
                ),
              ];
              out(`${xmlDeclaration}<sitemapindex xmlns="${namespace}">\n`);
              for (const file of files) out(`<sitemap><loc>${escapeXml(file)}</loc></sitemap>\n`);
              out('</sitemapindex>\n');
            })
          : urlset(async (out) => {
              writePages(out, plan);
              // No more than the count the layout was planned with, so the file stays in bounds.
              await writeProducts(out, 0, plan.products);
            }),
      );
    },
    /** `/sitemap-pages.xml`: the home page, the shop and every category. */
    pages: async (): Promise<SitemapFile> => {
      const plan = await layout();
      return keep('pages', () => urlset((out) => writePages(out, plan)));
    },
    /** `/sitemap-products-N.xml`, from 1. */
    products: async (file: number): Promise<SitemapFile> => {
      const plan = await layout();
      if (file < 1 || file > plan.productFiles) throw new NotFound('No such sitemap file.');
      return keep(`products:${file}`, () =>
        urlset((out) => writeProducts(out, (file - 1) * perFile, perFile)),
      );
    },
  };
}

export type Sitemaps = ReturnType<typeof createSitemaps>;
