/**
 * The scale part of `npm run bench`: the uncached filtered listing and the uncached search, each
 * with its facets, on generated catalogs of 1,000, 10,000 and BENCH_SCALE_PRODUCTS (default 100,000)
 * products. Each size is a fresh store; it reports req/s, p50 and p99 under load, one request's
 * latency alone, the store's resident memory, and the EXPLAIN ANALYZE of the SQL an uncached listing
 * still runs (the page's rows; the search ranking, once per query text) beside the same listing
 * stated in SQL alone (what the facet index replaced).
 */
import { readFile } from 'node:fs/promises';
import { checkClean, formatMs, formatRps, measure, table, type LoadResult } from './autocannon.js';
import {
  connections,
  databaseUrl,
  describeStore,
  duration,
  filteredQuery,
  get,
  loadOptions,
  log,
  nextMaxPrice,
  sampleBody,
  searchQuery,
  startStore,
  uncachedPath,
  uncachedSearchPath,
} from './catalog-kit.js';
import { explain } from './children.js';
import type { QueryPlan, StoreInfo } from './protocol.js';

interface ScaleRun {
  /** Median latency of one request with nothing else running (the service time). */
  aloneMs: number;
  /** The measured run's length: longer than BENCH_DURATION when one request takes long. */
  runSeconds: number;
  result: LoadResult;
  plans: QueryPlan[];
}

export interface ScalePoint {
  products: number;
  variants: number;
  importSeconds: number;
  /** From listening until the facet index was built from PostgreSQL (it is built at start). */
  indexMs: number;
  /** The store's resident memory after the runs, in MiB. */
  rssMiB: number;
  listing: ScaleRun;
  search: ScaleRun;
}

export const executionMs = (plan: QueryPlan | undefined) => {
  const line = plan?.lines.find((l) => l.startsWith('Execution Time:'));
  return line ? Number(line.replace(/[^0-9.]/g, '')) : NaN;
};

/** Median of a few sequential requests, each alone on the server. */
async function latencyAlone(base: string, path: () => string, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await get(base, path());
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)] ?? NaN;
}

async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

/** Longest measured run in the scale test, in seconds. */
const maxScaleRun = 30;

async function loadRun(
  store: Awaited<ReturnType<typeof startStore>>,
  name: string,
  path: () => string,
  query: string,
): Promise<ScaleRun> {
  await sampleBody(store, { name, slot: 'list', path, expectCache: 'miss' });
  const aloneMs = await latencyAlone(store.url, path);
  // Plans while the server is idle: after the load, abandoned requests may still be running.
  const plans = await explain(store, `${query}&maxPrice=${nextMaxPrice()}`);
  // No timed warm-up: requests still queued on a slow store when it ends would delay the measured
  // run. The requests above warmed it up. The run lasts long enough for each connection to
  // complete several requests (up to 30 s), and nothing times out: a timeout would hide slowness.
  const runSeconds = Math.min(
    maxScaleRun,
    Math.max(duration, Math.ceil((5 * connections * aloneMs) / 1000)),
  );
  const result = await measure({
    ...loadOptions(store.url, path),
    warmup: 0,
    duration: runSeconds,
    timeout: 120,
  });
  checkClean(name, result);
  return { aloneMs, runSeconds, result, plans };
}

export async function runScale(
  largest: number,
  colors: number,
): Promise<{ backend: string; colors: number; points: ScalePoint[] }> {
  const points: ScalePoint[] = [];
  let backend = '';
  const sizes = [...new Set([1_000, 10_000, largest])].filter((n) => n <= largest);
  for (const products of sizes) {
    process.stdout.write(`scale: importing ${products.toLocaleString('en-US')} products… `);
    const store = await startStore(`scale${products}`, products, colors);
    const info = store.store as StoreInfo;
    backend = describeStore(info);
    process.stdout.write(`${(info.importMs / 1000).toFixed(1)} s; load… `);
    const listing = await loadRun(store, `listing, ${products}`, uncachedPath, filteredQuery);
    const search = await loadRun(store, `search, ${products}`, uncachedSearchPath, searchQuery);
    const rssMiB = await residentMiB(store.pid);
    log('done');
    points.push({
      products,
      variants: info.variants,
      importSeconds: info.importMs / 1000,
      indexMs: info.indexMs,
      rssMiB,
      listing,
      search,
    });
    await store.stop();
  }
  return { backend, colors, points };
}

const planMs = (run: ScaleRun, name: string) =>
  formatMs(executionMs(run.plans.find((p) => p.name === name)));

export function printScale(scale: { backend: string; colors: number; points: ScalePoint[] }) {
  log('');
  log(
    `scale: uncached listings with facets, ${scale.backend}` +
      (scale.colors > 0 ? `, at most ${scale.colors} colours per product` : ''),
  );
  const rows = scale.points.flatMap((p) =>
    (
      [
        ['listing', p.listing],
        ['search', p.search],
      ] as const
    ).map(([kind, run]) => [
      p.products.toLocaleString('en-US'),
      kind,
      formatRps(run.result.rps),
      formatMs(run.result.p50),
      formatMs(run.result.p99),
      formatMs(run.aloneMs),
      kind === 'listing' ? formatMs(p.indexMs) : '',
      kind === 'listing' ? `${p.rssMiB.toFixed(0)} MiB` : '',
      planMs(run, 'summariesByIds'),
      kind === 'search' ? planMs(run, 'searchRanking') : '',
      planMs(run, 'listProducts'),
      planMs(run, 'productFacets'),
    ]),
  );
  log(
    table(
      [
        'products',
        'case',
        'req/s',
        'p50',
        'p99',
        'alone',
        'index',
        'RSS',
        'SQL rows',
        'SQL search',
        'SQL-only list',
        'SQL-only facets',
      ],
      rows,
    ),
  );
  const first = scale.points[0];
  const last = scale.points.at(-1);
  if (first && last && last !== first) {
    for (const kind of ['listing', 'search'] as const) {
      const a = first[kind];
      const b = last[kind];
      log(
        `${kind} ${first.products.toLocaleString('en-US')} → ${last.products.toLocaleString('en-US')} products: ` +
          `${(a.result.rps / b.result.rps).toFixed(2)}× fewer req/s, ` +
          `${(b.result.p99 / Math.max(a.result.p99, 1)).toFixed(1)}× the p99, ` +
          `${(b.aloneMs / a.aloneMs).toFixed(2)}× the latency alone (aim: ≤ 1.5× fewer req/s)`,
      );
    }
  }
  log(
    `(${filteredQuery} and ${searchQuery}, each request with a new maxPrice; alone: one request with nothing ` +
      'else running; index: building the facet index at start; RSS: the store ' +
      'after the runs; SQL: EXPLAIN ANALYZE execution time, idle: the page rows and the search ranking an ' +
      'uncached listing runs, and the same listing stated in SQL alone, which the facet index replaced)',
  );
  if (last && last.importSeconds > 180 && !databaseUrl) {
    log(
      `note: PGlite took ${last.importSeconds.toFixed(0)} s to import ${last.products.toLocaleString('en-US')} products; ` +
        'set DATABASE_URL (and REDIS_URL) to run on PostgreSQL, or BENCH_MAX_COLORS=2 for a lighter catalog',
    );
  }
}
