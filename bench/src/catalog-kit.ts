/**
 * What the catalog benchmarks share: the settings read from the environment, a store process over
 * the chosen backends, and the requests of each case.
 */
import { createDatabase, deleteRedisKeys, numberFromEnv, runId } from './backends.js';
import { startChild, type Child } from './children.js';
import { onCleanup } from './cleanup.js';
import type { StoreInfo } from './protocol.js';

const env = process.env;

export const duration = numberFromEnv('BENCH_DURATION', 5);
export const warmup = numberFromEnv('BENCH_WARMUP', 1.5);
export const connections = numberFromEnv('BENCH_CONNECTIONS', 10);
export const databaseUrl = env.DATABASE_URL || undefined;
export const redisUrl = env.REDIS_URL || undefined;
/**
 * The store's per-IP limit on credential endpoints (default 20 a minute) and per-account limit on
 * failed sign-ins (default 10 in 15 minutes), raised: the login runs make thousands from one address.
 */
export const authLimits = { AUTH_RATE_LIMIT: '100000000', LOGIN_FAILURE_LIMIT: '100000000' };

export const log = (line = '') => process.stdout.write(`${line}\n`);

/** A store process over the chosen backends, loaded with `products` generated products (0: demo seed). */
export async function startStore(label: string, products: number, colors = 0): Promise<Child> {
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

export const describeStore = (info: StoreInfo) =>
  `${info.database === 'pglite' ? 'PGlite (in-memory)' : 'PostgreSQL'} + ${
    info.cache === 'memory' ? 'in-memory cache' : 'Redis'
  }`;

export interface Fetched {
  status: number;
  cache: string | null;
  encoding: string | null;
  body: string;
}

/** A GET; with `accept-encoding` asked for, the body is decoded (fetch does it). */
export async function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  const response = await fetch(base + path, { headers });
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    encoding: response.headers.get('content-encoding'),
    body: await response.text(),
  };
}

/** Each call a new maxPrice above every price: the same products, but a new cache key every time. */
let maxPrice = 1_000_000;
export const nextMaxPrice = () => maxPrice++;
export const filteredQuery = 'category=lifestyle&gender=men';
export const searchQuery = 'q=running';
export const uncachedPath = () => `/api/v1/products?${filteredQuery}&maxPrice=${nextMaxPrice()}`;
export const uncachedSearchPath = () =>
  `/api/v1/products?${searchQuery}&maxPrice=${nextMaxPrice()}`;

export interface Case {
  name: string;
  /** The bare server's body slot (see serve.ts). */
  slot: 'list' | 'product';
  path: string | (() => string);
  expectCache: 'hit' | 'miss';
  /** Request headers; with `accept-encoding`, the response must come encoded. */
  headers?: Record<string, string>;
}

/** Fetch the store's response for a case and check it is cached or not as the case intends. */
export async function sampleBody(store: Child, item: Case): Promise<string> {
  const pathOf = () => (typeof item.path === 'string' ? item.path : item.path());
  // A cached case's first request fills the cache; an uncached case never repeats a path.
  const first = await get(store.url, pathOf(), item.headers);
  const samples = await Promise.all(
    [1, 2, 3, 4, 5].map(() => get(store.url, pathOf(), item.headers)),
  );
  for (const sample of [first, ...samples]) {
    if (sample.status !== 200) throw new Error(`${item.name}: status ${sample.status}`);
    if (sample.body !== first.body) throw new Error(`${item.name}: responses differ`);
    if (item.headers?.['accept-encoding'] && !sample.encoding) {
      throw new Error(`${item.name}: the response was not encoded`);
    }
  }
  const wrong = samples.filter((s) => s.cache !== item.expectCache);
  if (wrong.length > 0) {
    throw new Error(
      `${item.name}: expected x-cache: ${item.expectCache}, got ${wrong.map((s) => s.cache).join(', ')}`,
    );
  }
  return first.body;
}

export const loadOptions = (url: string, path: Case['path'], headers?: Record<string, string>) => ({
  url,
  path,
  connections,
  duration,
  warmup,
  ...(headers ? { headers } : {}),
});
