/**
 * `npm run bench` (the default of index.ts; `npm run bench -- catalog`): the catalog and accounts
 * under load, against a bare Fastify route serving the same bytes.
 *
 * 1. A real store (the server's buildApi over real adapters, demo seed) and a bare `fastify()`
 *    route, each in its own process; autocannon (10 connections) runs here.
 * 2. Cases: cached listing, uncached filtered listing (every request a cache miss), product page.
 *    Each is reported as req/s and p99 for the store and the bare route, and store/bare.
 * 3. Accounts (auth.ts), on the same store: logins/s (valid password, wrong password, unknown
 *    email) beside the cost of one argon2id hash, and an authenticated GET /me against the bare
 *    route. The store runs with AUTH_RATE_LIMIT and LOGIN_FAILURE_LIMIT raised to 100,000,000, so
 *    no run is throttled.
 * 4. Scale: the uncached filtered listing at 1,000 and 100,000 generated products.
 *
 * Backends: PGlite and the in-memory cache by default; PostgreSQL and Redis when DATABASE_URL and
 * REDIS_URL are set (a dedicated bench_* database, dropped after; a Redis key prefix, deleted after).
 * Environment: BENCH_DURATION (seconds per measured run, default 5), BENCH_WARMUP (default 1.5),
 * BENCH_CONNECTIONS (default 10), BENCH_SCALE_PRODUCTS (the large catalog, default 100000; 0 skips
 * the scale test), BENCH_MAX_COLORS (colours kept per product in the scale test; 0: all).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runAuth, type AuthResults } from './auth.js';
import { checkClean, formatMs, formatRps, measure, table, type LoadResult } from './autocannon.js';
import { createDatabase, deleteRedisKeys, numberFromEnv, runId } from './backends.js';
import { explain, startChild, type Child } from './children.js';
import { onCleanup } from './cleanup.js';
import type { QueryPlan, StoreInfo } from './protocol.js';

const env = process.env;

const duration = numberFromEnv('BENCH_DURATION', 5);
const warmup = numberFromEnv('BENCH_WARMUP', 1.5);
const connections = numberFromEnv('BENCH_CONNECTIONS', 10);
const scaleProducts = numberFromEnv('BENCH_SCALE_PRODUCTS', 100_000);
const databaseUrl = env.DATABASE_URL || undefined;
const redisUrl = env.REDIS_URL || undefined;
/**
 * The generated catalog has 2–4 colours per product (~14 variants). PGlite imports 100k such
 * products in about 3 minutes, PostgreSQL in about 2; fewer colours make a lighter, faster catalog.
 */
const maxColors = numberFromEnv('BENCH_MAX_COLORS', 0);
/**
 * The store's per-IP limit on credential endpoints (default 20 a minute) and per-account limit on
 * failed sign-ins (default 10 in 15 minutes), raised: the login runs make thousands from one address.
 */
const authLimits = { AUTH_RATE_LIMIT: '100000000', LOGIN_FAILURE_LIMIT: '100000000' };

const log = (line = '') => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Backends

/** A store process over the chosen backends, loaded with `products` generated products (0: demo seed). */
async function startStore(label: string, products: number, colors = 0): Promise<Child> {
  const storeEnv: Record<string, string> = {
    BENCH_ROLE: 'store',
    BENCH_PRODUCTS: String(products),
    BENCH_MAX_COLORS: String(colors),
    ...authLimits,
  };
  if (databaseUrl) storeEnv.BENCH_DATABASE_URL = await createDatabase(databaseUrl, label);
  if (redisUrl) {
    const prefix = `bench:${runId}:${label}:`;
    storeEnv.BENCH_REDIS_URL = redisUrl;
    storeEnv.BENCH_REDIS_PREFIX = prefix;
    onCleanup(async () => void (await deleteRedisKeys(redisUrl, prefix)));
  }
  const child = await startChild(storeEnv, { readyTimeoutMs: 20 * 60_000 });
  // Stop before the cleanups registered above: a database is dropped after its last client.
  onCleanup(() => child.stop());
  return child;
}

const describeStore = (info: StoreInfo) =>
  `${info.database === 'pglite' ? 'PGlite (in-memory)' : 'PostgreSQL'} + ${
    info.cache === 'memory' ? 'in-memory cache' : 'Redis'
  }`;

// ---------------------------------------------------------------------------------------------
// Requests

interface Fetched {
  status: number;
  cache: string | null;
  body: string;
}

async function get(base: string, path: string): Promise<Fetched> {
  const response = await fetch(base + path);
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: await response.text(),
  };
}

/** Each call a new maxPrice above every price: the same products, but a new cache key every time. */
let maxPrice = 1_000_000;
const filteredQuery = 'category=lifestyle&gender=men';
const uncachedPath = () => `/api/v1/products?${filteredQuery}&maxPrice=${maxPrice++}`;

interface Case {
  name: string;
  /** The bare server's body slot (see serve.ts). */
  slot: 'list' | 'product';
  path: string | (() => string);
  expectCache: 'hit' | 'miss';
}

/** Fetch the store's response for a case and check it is cached or not as the case intends. */
async function sampleBody(store: Child, item: Case): Promise<string> {
  const pathOf = () => (typeof item.path === 'string' ? item.path : item.path());
  // A cached case's first request fills the cache; an uncached case never repeats a path.
  const first = await get(store.url, pathOf());
  const samples = await Promise.all([1, 2, 3, 4, 5].map(() => get(store.url, pathOf())));
  for (const sample of [first, ...samples]) {
    if (sample.status !== 200) throw new Error(`${item.name}: status ${sample.status}`);
    if (sample.body !== first.body) throw new Error(`${item.name}: responses differ`);
  }
  const wrong = samples.filter((s) => s.cache !== item.expectCache);
  if (wrong.length > 0) {
    throw new Error(
      `${item.name}: expected x-cache: ${item.expectCache}, got ${wrong.map((s) => s.cache).join(', ')}`,
    );
  }
  return first.body;
}

const loadOptions = (url: string, path: Case['path']) => ({
  url,
  path,
  connections,
  duration,
  warmup,
});

// ---------------------------------------------------------------------------------------------
// Runs

interface CaseResult {
  name: string;
  path: string;
  bodyBytes: number;
  store: LoadResult;
  bare: LoadResult;
  ratio: number;
}

async function runCases(): Promise<{
  store: StoreInfo;
  results: CaseResult[];
  auth: AuthResults;
}> {
  const store = await startStore('demo', 0);
  const info = store.store as StoreInfo;
  const bare = await startChild({ BENCH_ROLE: 'bare' });
  onCleanup(() => bare.stop());
  log(`store: ${describeStore(info)}, demo catalog of ${info.products} products`);
  log(
    `store auth limits raised for the login runs: AUTH_RATE_LIMIT=${info.authRateLimit} (per IP per minute; default 20), ` +
      `LOGIN_FAILURE_LIMIT=${info.loginFailureLimit} (per account per 15 minutes; default 10)`,
  );
  log('');

  const cases: Case[] = [
    { name: 'cached listing', slot: 'list', path: '/api/v1/products', expectCache: 'hit' },
    { name: 'uncached filtered listing', slot: 'list', path: uncachedPath, expectCache: 'miss' },
    {
      name: 'product page',
      slot: 'product',
      path: `/api/v1/products/${info.sampleSlug}`,
      expectCache: 'hit',
    },
  ];
  const results: CaseResult[] = [];
  for (const item of cases) {
    const body = await sampleBody(store, item);
    await bare.request({ type: 'bodies', bodies: { [item.slot]: body } }, 'ack');
    const bareCheck = await get(bare.url, typeof item.path === 'string' ? item.path : item.path());
    if (bareCheck.body !== body) throw new Error(`${item.name}: the bare route's body differs`);

    process.stdout.write(`${item.name}: store… `);
    const storeResult = await measure(loadOptions(store.url, item.path));
    checkClean(`${item.name} (store)`, storeResult);
    process.stdout.write('bare… ');
    const bareResult = await measure(loadOptions(bare.url, item.path));
    checkClean(`${item.name} (bare)`, bareResult);
    log('done');
    results.push({
      name: item.name,
      path:
        typeof item.path === 'string'
          ? item.path
          : `/api/v1/products?${filteredQuery}&maxPrice=<n>`,
      bodyBytes: Buffer.byteLength(body),
      store: storeResult,
      bare: bareResult,
      ratio: storeResult.rps / bareResult.rps,
    });
  }
  const auth = await runAuth(store, bare, { connections, duration, warmup }, log);
  await store.stop();
  await bare.stop();
  return { store: info, results, auth };
}

interface ScalePoint {
  products: number;
  variants: number;
  importSeconds: number;
  /** Median latency of one request with nothing else running (the service time). */
  aloneMs: number;
  /** The measured run's length: longer than BENCH_DURATION when one request takes long. */
  runSeconds: number;
  result: LoadResult;
  plans: QueryPlan[];
}

const executionMs = (plan: QueryPlan | undefined) => {
  const line = plan?.lines.find((l) => l.startsWith('Execution Time:'));
  return line ? Number(line.replace(/[^0-9.]/g, '')) : NaN;
};

/** Median of a few sequential requests, each alone on the server. */
async function latencyAlone(base: string, path: () => string, times = 3): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await get(base, path());
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)] ?? NaN;
}

/** Longest measured run in the scale test, in seconds. */
const maxScaleRun = 30;

async function runScale(): Promise<{ backend: string; colors: number; points: ScalePoint[] }> {
  const points: ScalePoint[] = [];
  let backend = '';
  for (const products of [1_000, scaleProducts]) {
    process.stdout.write(`scale: importing ${products.toLocaleString('en-US')} products… `);
    const store = await startStore(`scale${products}`, products, maxColors);
    const info = store.store as StoreInfo;
    backend = describeStore(info);
    process.stdout.write(`${(info.importMs / 1000).toFixed(1)} s; load… `);
    await sampleBody(store, {
      name: `uncached listing, ${products} products`,
      slot: 'list',
      path: uncachedPath,
      expectCache: 'miss',
    });
    const aloneMs = await latencyAlone(store.url, uncachedPath);
    // Plans while the server is idle: after the load, abandoned requests may still be running.
    const plans = await explain(store, `${filteredQuery}&maxPrice=${maxPrice++}`);
    // No timed warm-up here: requests still queued on the server when it ends would delay the
    // measured run by seconds on a slow catalog. The requests above warmed it up, one at a time.
    // The run lasts long enough for each connection to complete several requests (up to 30 s),
    // and nothing times out: a timeout would hide how slow it is.
    const runSeconds = Math.min(
      maxScaleRun,
      Math.max(duration, Math.ceil((5 * connections * aloneMs) / 1000)),
    );
    const result = await measure({
      ...loadOptions(store.url, uncachedPath),
      warmup: 0,
      duration: runSeconds,
      timeout: 120,
    });
    checkClean(`scale ${products}`, result);
    log('done');
    points.push({
      products,
      variants: info.variants,
      importSeconds: info.importMs / 1000,
      aloneMs,
      runSeconds,
      result,
      plans,
    });
    await store.stop();
  }
  return { backend, colors: maxColors, points };
}

// ---------------------------------------------------------------------------------------------

/** The catalog, accounts and scale cases; throws when a case fails. */
export async function runCatalog(): Promise<void> {
  const started = Date.now();
  log(
    `catalog and accounts benchmark: autocannon, ${connections} connections, ${warmup} s warm-up + ${duration} s per run; ` +
      `${os.cpus().length} CPUs, Node ${process.version}`,
  );
  log(
    `backends: ${databaseUrl ? 'PostgreSQL (DATABASE_URL, a bench_* database)' : 'PGlite'}, ` +
      `${redisUrl ? 'Redis (REDIS_URL, key prefix bench:*)' : 'in-memory cache'}`,
  );

  const main = await runCases();
  const { argon2, logins, me } = main.auth;
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  log('');
  log(
    table(
      ['case', 'body', 'store req/s', 'store p99', 'bare req/s', 'bare p99', 'store/bare'],
      [...main.results, { name: 'authenticated GET /me', ...me }].map((r) => [
        r.name,
        r.bodyBytes < 1024 ? `${r.bodyBytes} B` : kib(r.bodyBytes),
        formatRps(r.store.rps),
        formatMs(r.store.p99),
        formatRps(r.bare.rps),
        formatMs(r.bare.p99),
        `${(r.ratio * 100).toFixed(1)} %`,
      ]),
    ),
  );
  log(
    '(GET /me: verifies the HS256 access token, reads the session denylist from the cache, then one SQL query for the profile)',
  );
  log('');
  const hash = `${argon2.hashMs.toFixed(1)} ms`;
  const ceiling = `${formatRps(argon2.ceilingPerSec)}/s`;
  log(
    table(
      ['case', 'status', 'req/s', 'p50', 'p99', 'alone', 'argon2id hash', 'ceiling', 'of ceiling'],
      logins.map((l) => [
        `POST /auth/login, ${l.name.replace(/^login, /, '')}`,
        String(l.status),
        formatRps(l.result.rps),
        formatMs(l.result.p50),
        formatMs(l.result.p99),
        formatMs(l.aloneMs),
        hash,
        ceiling,
        `${((l.result.rps / argon2.ceilingPerSec) * 100).toFixed(0)} %`,
      ]),
    ),
  );
  log(
    `argon2id m=${argon2.memoryKiB} KiB (${(argon2.memoryKiB / 1024).toFixed(0)} MiB), t=${argon2.passes}, p=${argon2.lanes} ` +
      `(read from a hash made by the server's hashPassword). Measured in the bench process, idle store: ` +
      `one hash ${hash}, one verify ${argon2.verifyMs.toFixed(1)} ms (median of ${argon2.samples}); ` +
      `ceiling = ${argon2.cpus} CPUs / ${hash} = ${ceiling}; measured with ${argon2.cpus * 2} hashes at a time: ${formatRps(argon2.parallelPerSec)}/s. ` +
      '(alone: one login with nothing else running, median of 9)',
  );
  log(
    `why: OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane); about ${Math.round(argon2.hashMs)} ms of one core ` +
      'and 19 MiB per guess keep brute force expensive (memory-hard, so GPUs gain little), ' +
      `while this ${argon2.cpus}-core box still serves ${formatRps(logins[0]?.result.rps ?? NaN)} logins/s ` +
      '(the load generator on the same cores).',
  );
  const valid = logins.find((l) => l.status === 200);
  const failures = logins.filter((l) => l.status !== 200);
  log(
    'each login verifies one argon2id hash; an unknown email against a decoy hash, so it costs what a wrong password costs ' +
      `(${failures.map((l) => `${l.name.replace(/^login, /, '')} ${formatRps(l.result.rps)}/s, alone ${formatMs(l.aloneMs)}`).join('; ')}). ` +
      `A valid login also writes the session and refresh token in a transaction and signs a JWT (${formatRps(valid?.result.rps ?? NaN)}/s, alone ${formatMs(valid?.aloneMs ?? NaN)}).`,
  );
  log('');

  const scale = scaleProducts > 0 ? await runScale() : null;
  if (scale) {
    const [small, large] = scale.points;
    log('');
    log(
      `scale: uncached filtered listing (${filteredQuery}), ${scale.backend}` +
        (scale.colors > 0 ? `, at most ${scale.colors} colours per product` : ''),
    );
    log(
      table(
        [
          'products',
          'variants',
          'import',
          'run',
          'req/s',
          'p50',
          'p99',
          'alone',
          'SQL list',
          'SQL facets',
        ],
        scale.points.map((p) => [
          p.products.toLocaleString('en-US'),
          p.variants.toLocaleString('en-US'),
          `${p.importSeconds.toFixed(1)} s`,
          `${p.runSeconds} s`,
          formatRps(p.result.rps),
          formatMs(p.result.p50),
          formatMs(p.result.p99),
          formatMs(p.aloneMs),
          formatMs(executionMs(p.plans[0])),
          formatMs(executionMs(p.plans[1])),
        ]),
      ),
    );
    if (small && large && large.result.rps > 0) {
      log(
        `slowdown ${small.products.toLocaleString('en-US')} → ${large.products.toLocaleString('en-US')} products: ` +
          `${(small.result.rps / large.result.rps).toFixed(1)}× fewer req/s, ` +
          `${(large.result.p99 / small.result.p99).toFixed(1)}× the p99, ` +
          `${(large.aloneMs / small.aloneMs).toFixed(1)}× the latency alone (aim: ≤ 2×)`,
      );
    } else if (large) {
      log(`no request completed at ${large.products.toLocaleString('en-US')} products`);
    }
    log(
      '(alone: one request with nothing else running; SQL: EXPLAIN ANALYZE execution time of the two queries of one uncached listing, idle)',
    );
    if (large && large.importSeconds > 180 && !databaseUrl) {
      log(
        `note: PGlite took ${large.importSeconds.toFixed(0)} s to import ${large.products.toLocaleString('en-US')} products; ` +
          'set DATABASE_URL (and REDIS_URL) to run on PostgreSQL, or BENCH_MAX_COLORS=2 for a lighter catalog',
      );
    }
  }

  const seconds = (Date.now() - started) / 1000;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    settings: { connections, duration, warmup, scaleProducts, maxColors, ...authLimits },
    backends: {
      database: databaseUrl ? 'postgres' : 'pglite',
      cache: redisUrl ? 'redis' : 'memory',
    },
    store: main.store,
    cases: main.results,
    auth: main.auth,
    scale,
    seconds,
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}catalog-${results.date.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log('');
  log(`results: ${file}`);
  log(`total time: ${seconds.toFixed(0)} s`);
}
