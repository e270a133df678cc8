/**
 * `npm run bench -- web`: what the storefront costs a shopper's phone.
 *
 * - Initial JavaScript per route, gzip: the entry chunk and everything it imports statically, plus
 *   the route's own lazily loaded page chunk and its static imports (from Vite's build manifest;
 *   each file gzipped at level 9 as the build's precompressed copies are). Aim: ≤ 150 KB a route.
 * - Lighthouse 12 (mobile settings: a mid-range phone on a slow 4G line, simulated) on the home,
 *   listing and product pages of the built store, in Debian's Chromium. Aims: performance,
 *   accessibility, best practices and SEO each ≥ 95.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { buildServer, freePort, startBuiltProcess } from '../../server/test/process.js';
import { onCleanup } from './cleanup.js';

const log = (line = '') => process.stdout.write(`${line}\n`);
const webDir = new URL('../../web/', import.meta.url).pathname;

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

const routes: [string, string][] = [
  ['home', 'src/features/catalog/HomePage.tsx'],
  ['listing', 'src/features/catalog/ListingPage.tsx'],
  ['product', 'src/features/catalog/ProductPage.tsx'],
  ['bag', 'src/features/checkout/BagPage.tsx'],
  ['checkout', 'src/features/checkout/CheckoutPage.tsx'],
  ['order', 'src/features/orders/OrderPage.tsx'],
  ['sign in', 'src/features/accounts/SignInPage.tsx'],
  ['account', 'src/features/accounts/AccountPage.tsx'],
];

function closure(manifest: Manifest, keys: string[], into = new Set<string>()): Set<string> {
  for (const key of keys) {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) continue;
    into.add(chunk.file);
    closure(manifest, chunk.imports ?? [], into);
  }
  return into;
}

export async function initialJavaScript(
  options: { withoutAdmin?: boolean } = {},
): Promise<{ route: string; kb: number; files: number }[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'stride-web-bench-'));
  onCleanup(() => rm(outDir, { recursive: true, force: true }));
  await promisify(execFile)(
    'npx',
    ['vite', 'build', '--manifest', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: webDir,
      env: { ...process.env, ...(options.withoutAdmin ? { VITE_WITHOUT_ADMIN: '1' } : {}) },
    },
  );
  const manifest = JSON.parse(
    await readFile(join(outDir, '.vite/manifest.json'), 'utf8'),
  ) as Manifest;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error('the build manifest has no entry');
  const sizes = new Map<string, number>();
  const gzipped = async (file: string) => {
    if (!sizes.has(file))
      sizes.set(file, gzipSync(await readFile(join(outDir, file)), { level: 9 }).length);
    return sizes.get(file)!;
  };
  const rows = [];
  for (const [route, page] of routes) {
    if (!manifest[page]) throw new Error(`no chunk for ${page} in the build manifest`);
    const files = closure(manifest, [entry, page]);
    let bytes = 0;
    for (const file of files) if (file.endsWith('.js')) bytes += await gzipped(file);
    rows.push({ route, kb: bytes / 1024, files: files.size });
  }
  return rows;
}

interface Scores {
  page: string;
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  lcpMs: number;
  cls: number;
  tbtMs: number;
}

async function lighthouseScores(): Promise<Scores[]> {
  // The store serves web/dist: build it as `npm start` does, precompressed copies included.
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: webDir });
  await buildServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'stride-lighthouse-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const store = startBuiltProcess(
    'main-all',
    { PORT: String(port), DATA_DIR: dataDir, PUBLIC_URL: url },
    'store ready',
  );
  onCleanup(async () => {
    if (store.child.exitCode === null) store.child.kill('SIGTERM');
    await store.exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  await store.ready;
  const listing = (await (await fetch(`${url}/api/v1/products?limit=1`)).json()) as {
    items: { slug: string }[];
  };
  const pages: [string, string][] = [
    ['home', `${url}/`],
    ['listing', `${url}/shop`],
    ['product', `${url}/products/${listing.items[0]!.slug}`],
  ];
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  onCleanup(async () => {
    chrome.kill();
  });
  const rows: Scores[] = [];
  for (const [page, pageUrl] of pages) {
    // One warm-up load, so the first page does not pay for the store's own first requests.
    await fetch(pageUrl);
    const result = await lighthouse(pageUrl, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    });
    if (!result) throw new Error(`Lighthouse gave no result for ${pageUrl}`);
    const { categories, audits } = result.lhr;
    const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
    rows.push({
      page,
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      seo: score('seo'),
      lcpMs: audits['largest-contentful-paint']?.numericValue ?? NaN,
      cls: audits['cumulative-layout-shift']?.numericValue ?? NaN,
      tbtMs: audits['total-blocking-time']?.numericValue ?? NaN,
    });
    const failing = Object.values(audits).filter(
      (audit) =>
        audit.score !== null &&
        audit.score < 0.9 &&
        audit.scoreDisplayMode !== 'informative' &&
        audit.scoreDisplayMode !== 'notApplicable',
    );
    // Which elements moved, when something did: the first thing to look at for a CLS regression.
    const shifts = audits['layout-shifts']?.details as
      | { items?: { node?: { selector?: string; nodeLabel?: string }; score?: number }[] }
      | undefined;
    for (const item of shifts?.items ?? []) {
      log(
        `  ${page}: layout shift ${item.score?.toFixed(3)} at ${item.node?.selector ?? '?'} (${item.node?.nodeLabel ?? ''})`,
      );
    }
    if (failing.length)
      log(
        `  ${page}: below 0.9: ${failing.map((a) => `${a.id} (${a.displayValue ?? a.score})`).join(', ')}`,
      );
  }
  return rows;
}

export async function runWeb(): Promise<void> {
  log('== web: initial JavaScript per route (gzip) and Lighthouse (mobile) on the built store');
  const js = await initialJavaScript();
  // The same build without the admin's route: what the admin costs a shopper (aim ≤ 2 KB).
  const bare = await initialJavaScript({ withoutAdmin: true });
  log('');
  log('route        initial JS (gzip)   files   aim ≤ 150 KB');
  for (const row of js) {
    log(
      `${row.route.padEnd(12)} ${`${row.kb.toFixed(1)} KB`.padStart(17)}   ${String(row.files).padStart(5)}   ${row.kb <= 150 ? 'met' : 'NOT met'}`,
    );
  }
  const added = Math.max(...js.map((row, i) => row.kb - (bare[i]?.kb ?? row.kb)));
  log(
    `the admin adds at most ${added.toFixed(2)} KB (gzip) to a storefront route's initial JS: aim ≤ 2 KB ${added <= 2 ? 'met' : 'NOT met'}`,
  );
  log('');
  const scores = await lighthouseScores();
  log('');
  log('page       performance  accessibility  best practices  SEO   LCP       CLS     TBT');
  for (const row of scores) {
    log(
      `${row.page.padEnd(10)} ${String(row.performance).padStart(11)}  ${String(row.accessibility).padStart(13)}  ${String(row.bestPractices).padStart(14)}  ${String(row.seo).padStart(3)}   ${`${Math.round(row.lcpMs)} ms`.padEnd(8)}  ${row.cls.toFixed(3).padEnd(6)}  ${Math.round(row.tbtMs)} ms`,
    );
  }
  const short = scores.filter(
    (row) => Math.min(row.performance, row.accessibility, row.bestPractices, row.seo) < 95,
  );
  log(
    short.length
      ? `aims (each ≥ 95) not met on: ${short.map((row) => row.page).join(', ')}`
      : 'aims (each ≥ 95) met on every page',
  );
}
