/**
 * `npm run bench -- index`: the facet index alone, in this process, on generated catalogs of 1,000,
 * 10,000 and 100,000 products (no database, no HTTP): the time of one listing of each shape the
 * catalog benchmark sends, and how it grows with the catalog. What the scale test's slowdown is made
 * of, without the noise of the load generator sharing the machine.
 */
import {
  createFacetIndex,
  type IndexFilter,
  type ProductFacts,
} from '../../server/src/modules/catalog/listing/facet-index.js';
import { categories, generateCatalog } from '../../server/src/seed/catalog-data.js';
import { numberFromEnv } from './backends.js';
import { log } from './checkout-kit.js';

const sizes = [1_000, 10_000, numberFromEnv('BENCH_SCALE_PRODUCTS', 100_000) || 100_000];
const rounds = numberFromEnv('BENCH_INDEX_ROUNDS', 2_000);

function facts(count: number) {
  const products = generateCatalog({ count, seed: 42 });
  const labels = categories.map((c) => ({
    id: c.slug,
    slug: c.slug,
    name: c.name,
    parentId: c.parentSlug,
  }));
  const list: ProductFacts[] = products.map((p, i) => ({
    id: p.slug,
    active: true,
    gender: p.gender,
    categoryId: p.categorySlug,
    price: Math.min(...p.variants.map((v) => v.price)),
    created: p.createdAt.getTime() * 1000 + i,
    sizes: p.sizes,
    colors: p.colors,
    onSale: p.variants.some((v) => v.compareAtPrice !== null),
    inStock: p.variants.filter((v) => v.onHand > 0).map((v) => ({ size: v.size, color: v.color })),
  }));
  // "running": the products whose name says so, in catalog order (the ranking is PostgreSQL's).
  const running = products.filter((p) => /run/i.test(p.name)).map((p) => p.slug);
  return { list, labels, running };
}

function subtree(labels: { id: string; parentId: string | null }[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const c of labels) if (c.parentId === out[i]) out.push(c.id);
  }
  return out;
}

export async function runFacetIndex(): Promise<void> {
  log('== index: one listing from the facet index, in process (µs per listing)');
  const rows: { products: number; shapes: Record<string, number>; matches: number }[] = [];
  for (const count of sizes) {
    const { list, labels, running } = facts(count);
    const index = createFacetIndex(list, labels);
    const search = index.searchMatch(running);
    const shapes: Record<string, (n: number) => IndexFilter> = {
      'category + gender + price': (n) => ({
        categoryIds: subtree(labels, 'lifestyle'),
        gender: 'men',
        maxPrice: 1_000_000 + n,
      }),
      'search + price': (n) => ({ search, maxPrice: 1_000_000 + n }),
      'everything + price': (n) => ({ maxPrice: 1_000_000 + n }),
      'search + size + colour': () => ({ search, size: ['M'], color: ['Black'] }),
    };
    const times: Record<string, number> = {};
    for (const [name, filter] of Object.entries(shapes)) {
      const sort = name.startsWith('search') ? 'relevance' : 'newest';
      for (let n = 0; n < rounds / 4; n++) index.listing(filter(n), sort, null, 24);
      const began = performance.now();
      for (let n = 0; n < rounds; n++) index.listing(filter(n), sort, null, 24);
      times[name] = ((performance.now() - began) * 1000) / rounds;
    }
    rows.push({ products: count, shapes: times, matches: running.length });
  }
  const names = Object.keys(rows[0]!.shapes);
  log(
    `${'shape'.padEnd(28)} ${rows.map((r) => `${r.products.toLocaleString('en')}`.padStart(9)).join(' ')}   growth`,
  );
  for (const name of names) {
    const cells = rows.map((r) => r.shapes[name]!.toFixed(1).padStart(9)).join(' ');
    const growth = rows.at(-1)!.shapes[name]! / rows[0]!.shapes[name]!;
    log(`${name.padEnd(28)} ${cells}   ${growth.toFixed(1)}×`);
  }
  log(
    `(the search matches ${rows.map((r) => r.matches.toLocaleString('en')).join(' / ')} products)`,
  );
}
