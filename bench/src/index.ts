/**
 * `npm run bench [-- <name>…]`: the benchmarks to run, by name.
 *
 * - `catalog` (by default, with `web`): the catalog, accounts and scale cases (catalog.ts).
 * - `web` (by default, with `catalog`): the storefront's initial JavaScript per route and a
 *   Lighthouse run on its home, listing and product pages (web.ts).
 * - `checkout`: both checkout benchmarks (checkout.ts), which need DATABASE_URL and REDIS_URL;
 *   `orders` or `flash-sale` runs one of them.
 * - `payments`: confirm → paid → email latency and relay throughput (payments.ts), which needs
 *   DATABASE_URL, REDIS_URL and AMQP_URL.
 * - `process`: start time and resident memory of the built server against the tsx loader
 *   (process.ts); on PostgreSQL and Redis too when their URLs are set.
 * - `images` (by default, with `catalog` and `web`): processing one camera-like 6 MB upload, and
 *   the bytes of a product page's photos on a phone before and after (images.ts).
 * - `index`: the facet index alone, in process, on 1,000 to 100,000 generated products
 *   (facet-index.ts); part of `catalog`.
 * - `profile`: a CPU profile of the store under each catalog case, with its hottest functions
 *   (profile.ts); not part of `all`.
 * - `all`: `catalog`, then `images`, then `checkout`, then `payments`, then `process`, then `web`.
 *
 * BENCH_ONLY (names separated by commas or spaces) selects as the arguments do. Exits non-zero when a
 * benchmark fails; the servers, databases and Redis keys it made are removed in every case, on
 * Ctrl-C too.
 */
import { runCatalog } from './catalog.js';
import { runCheckout } from './checkout.js';
import { runFacetIndex } from './facet-index.js';
import { runImages } from './images.js';
import { runPayments } from './payments.js';
import { runProcess } from './process.js';
import { runProfile } from './profile.js';
import { runWeb } from './web.js';
import { runCleanups } from './cleanup.js';

const log = (line = '') => process.stdout.write(`${line}\n`);
const names = [
  'catalog',
  'checkout',
  'orders',
  'flash-sale',
  'payments',
  'process',
  'index',
  'images',
  'profile',
  'web',
  'all',
] as const;
type Name = (typeof names)[number];

function selection(): Set<Name> {
  const given = [...process.argv.slice(2), ...(process.env.BENCH_ONLY ?? '').split(/[\s,]+/)]
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = given.filter((name) => !(names as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${names.join(', ')}`);
  }
  const selected = new Set<Name>(
    given.length > 0 ? (given as Name[]) : ['catalog', 'images', 'web'],
  );
  if (selected.has('all')) {
    return new Set(['catalog', 'images', 'checkout', 'payments', 'process', 'web']);
  }
  return selected;
}

process.once('SIGINT', () => {
  log('\ninterrupted: stopping servers and removing bench databases…');
  void runCleanups(log).finally(() => process.exit(130));
});

try {
  const selected = selection();
  if (selected.has('catalog')) {
    await runCatalog();
    // Its servers stopped and databases dropped before the next benchmark starts.
    await runCleanups(log);
  }
  if (selected.has('index') || selected.has('catalog')) {
    log('');
    await runFacetIndex();
  }
  if (selected.has('images')) {
    log('');
    await runImages();
  }
  const orders = selected.has('checkout') || selected.has('orders');
  const flashSale = selected.has('checkout') || selected.has('flash-sale');
  if (orders || flashSale) {
    if (selected.has('catalog')) log('');
    await runCheckout({ orders, flashSale });
    await runCleanups(log);
  }
  if (selected.has('payments')) {
    log('');
    await runPayments();
    await runCleanups(log);
  }
  if (selected.has('process')) {
    log('');
    await runProcess();
  }
  if (selected.has('web')) {
    log('');
    await runWeb();
    await runCleanups(log);
  }
  if (selected.has('profile')) {
    log('');
    await runProfile();
  }
} catch (err) {
  process.exitCode = 1;
  log('');
  log(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await runCleanups(log);
}
