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
import { numberFromEnv } from './backends.js';
import {
  authLimits,
  connections,
  databaseUrl,
  describeStore,
  duration,
  filteredQuery,
  get,
  loadOptions,
  log,
  redisUrl,
  sampleBody,
  searchQuery,
  startStore,
  uncachedPath,
  uncachedSearchPath,
  warmup,
  type Case,
} from './catalog-kit.js';
import { startChild } from './children.js';
import { onCleanup } from './cleanup.js';
import { printScale, runScale } from './scale.js';
import type { StoreInfo } from './protocol.js';

const scaleProducts = numberFromEnv('BENCH_SCALE_PRODUCTS', 100_000);
/**
 * The generated catalog has 2–4 colours per product (~14 variants). PGlite imports 100k such
 * products in about 3 minutes, PostgreSQL in about 2; fewer colours make a lighter, faster catalog.
 */
const maxColors = numberFromEnv('BENCH_MAX_COLORS', 0);

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
    {
      name: 'cached listing, br',
      slot: 'list',
      path: '/api/v1/products',
      expectCache: 'hit',
      headers: { 'accept-encoding': 'br, gzip' },
    },
    { name: 'uncached filtered listing', slot: 'list', path: uncachedPath, expectCache: 'miss' },
    { name: 'uncached search', slot: 'list', path: uncachedSearchPath, expectCache: 'miss' },
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
    // The bare route always sends the plain bytes: the encoded case is compared with it, and
    // with the store's plain cached listing (see the line after the table).
    const storeResult = await measure(loadOptions(store.url, item.path, item.headers));
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
          : `/api/v1/products?${item.path === uncachedPath ? filteredQuery : searchQuery}&maxPrice=<n>`,
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
  const plain = main.results.find((r) => r.name === 'cached listing');
  const encoded = main.results.find((r) => r.name === 'cached listing, br');
  if (plain && encoded) {
    const perResponse = (r: LoadResult) => r.bytesPerSec / Math.max(r.rps, 1);
    log(
      `cached listing with accept-encoding br, gzip: ${((encoded.store.rps / plain.store.rps) * 100).toFixed(1)} % of the plain ` +
        `cached listing's req/s (aim ≥ 90 %); ${kib(perResponse(encoded.store))} on the wire per response against ` +
        `${kib(perResponse(plain.store))} (${((perResponse(encoded.store) / perResponse(plain.store)) * 100).toFixed(0)} %, headers included; aim ≤ 25 %)`,
    );
  }
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

  const scale = scaleProducts > 0 ? await runScale(scaleProducts, maxColors) : null;
  if (scale) printScale(scale);

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
