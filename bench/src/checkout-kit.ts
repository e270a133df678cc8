/** What the checkout benchmarks share: settings, databases, API processes, carts and orders. */
import { randomBytes, randomUUID } from 'node:crypto';

import pg from 'pg';
import pino from 'pino';
import { connectPostgres } from '../../server/src/platform/db/index.js';
import { seedCatalogIfEmpty } from '../../server/src/seed/seed.js';
import { freePort, startApiProcess } from '../../server/test/process.js';

import {
  createDatabase,
  deleteRedisKeys,
  deleteRedisMatching,
  numberFromEnv,
  withRedis,
} from './backends.js';

import { onCleanup } from './cleanup.js';
import type { Answer, HttpClient } from './http.js';

export const env = process.env;
export const duration = numberFromEnv('BENCH_CHECKOUT_DURATION', 10);
export const warmup = numberFromEnv('BENCH_CHECKOUT_WARMUP', 3);
export const connections = numberFromEnv('BENCH_CONNECTIONS', 10);
/** Variants the orders benchmark spreads its orders over, in turn (1: every order on one variant). */
export const orderVariants = Math.max(1, numberFromEnv('BENCH_ORDER_VARIANTS', 1));
export const flashBuyers = numberFromEnv('BENCH_FLASH_BUYERS', 500);
export const flashUnits = numberFromEnv('BENCH_FLASH_UNITS', 50);
export const flashSockets = Math.max(2, numberFromEnv('BENCH_FLASH_SOCKETS', 200));
/** Units on hand of the orders benchmark's variant: far more than a run can sell. */
export const plentyOfStock = 10_000_000;
/**
 * The Redis database (index) of the benchmark's API processes. They write keys without a prefix, as
 * a deployment does: guest carts, the per-IP counter of the order rate limit, the catalog version.
 * Another index keeps them apart from a store or tests on the same Redis (database 0).
 */
export const redisDatabase = numberFromEnv('BENCH_REDIS_DB', 15);
/** Seconds before an unpaid order expires: nothing may expire during a run. */
export const paymentTimeout = 86_400;

/** Connection names, so that the samples of pg_stat_activity tell the store from the bare route. */
export const storeApplication = 'stride-api';
export const bareApplication = 'bench-bare';

export const log = (line = '') => process.stdout.write(`${line}\n`);
export const silent = pino({ level: 'silent' });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function checkoutBackends(): { databaseUrl: string; redisUrl: string } | null {
  const databaseUrl = env.DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : null;
}

// ---------------------------------------------------------------------------------------------
// The store: a database per benchmark, API processes on it

export interface StoreDatabase {
  url: string;
  name: string;
  /** The benchmark's own connection: stock set-up, checks, probes. */
  sql: pg.Client;
}

export function withApplicationName(url: string, name: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', name);
  return named.toString();
}

/** A new database, migrated and seeded as a store's first start does it (the demo catalog). */
export async function storeDatabase(adminUrl: string, label: string): Promise<StoreDatabase> {
  const url = await createDatabase(adminUrl, label);
  const database = await connectPostgres(url, { max: 2 });
  try {
    await database.migrate();
    await seedCatalogIfEmpty(database.db, silent);
  } finally {
    await database.close();
  }
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  onCleanup(() => sql.end());
  return { url, name: new URL(url).pathname.slice(1), sql };
}

export interface SaleVariant {
  id: string;
  sku: string;
}

/** Variants of active products, each with `onHand` units and nothing reserved. */
export async function stockedVariants(
  sql: pg.Client,
  count: number,
  onHand: number,
): Promise<SaleVariant[]> {
  const { rows } = await sql.query<SaleVariant>(
    `SELECT v.id, v.sku FROM variants v JOIN products p ON p.id = v.product_id
     JOIN stock_levels s ON s.variant_id = v.id
     WHERE p.status = 'active' ORDER BY v.sku LIMIT $1`,
    [count],
  );
  if (rows.length < count) throw new Error(`the seeded catalog has fewer than ${count} variants`);
  for (const row of rows) {
    await sql.query(
      'UPDATE stock_levels SET on_hand = $2, reserved = 0, updated_at = now() WHERE variant_id = $1',
      [row.id, onHand],
    );
  }
  return rows;
}

export async function stockOf(sql: pg.Client, variantId: string) {
  const { rows } = await sql.query<{ on_hand: number; reserved: number }>(
    'SELECT on_hand, reserved FROM stock_levels WHERE variant_id = $1',
    [variantId],
  );
  return { onHand: rows[0]?.on_hand ?? NaN, reserved: rows[0]?.reserved ?? NaN };
}

export interface Api {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** One `npm run start:api` process on `databaseUrl` and Redis, api role only (no bus needed). */
export async function startApi(databaseUrl: string, redisUrl: string): Promise<Api> {
  const port = await freePort();
  const api = startApiProcess({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PAYMENT_TEST_MODE: 'true',
    DATABASE_URL: withApplicationName(databaseUrl, storeApplication),
    REDIS_URL: redisUrl,
    // The api role publishes nothing itself (events wait in the outbox for a worker's relay).
    AMQP_URL: '',
    SEED_ON_START: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench-admin@stride.test',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    // Thousands of guest orders from 127.0.0.1: no limit may answer 429.
    ORDER_RATE_LIMIT: '100000000',
    AUTH_RATE_LIMIT: '100000000',
    LOGIN_FAILURE_LIMIT: '100000000',
    ORDER_PAYMENT_TIMEOUT: String(paymentTimeout),
    // startApiProcess waits for the "store ready" line, logged at info.
    LOG_LEVEL: 'info',
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const { child } = api;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await api.exited;
      clearTimeout(force);
    })());
  onCleanup(stop);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      api.ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`API process not ready in 60 s:\n${api.output()}`)),
          60_000,
        );
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { url: `http://127.0.0.1:${port}`, pid: api.child.pid ?? 0, stop };
}

/** The API processes' Redis: the same server, database BENCH_REDIS_DB. */
export function apiRedisUrl(redisUrl: string): string {
  const url = new URL(redisUrl);
  url.pathname = `/${redisDatabase}`;
  return url.toString();
}

/**
 * The keys the benchmark's API processes leave in their Redis database, deleted at cleanup: the guest
 * carts it made (empty or not, they would live a week), the order rate-limit counters and the
 * catalog version the orders bumped. Returns the set to add each cart id to.
 */
export function cleanRedisAfter(redisUrl: string): Set<string> {
  const ids = new Set<string>();
  onCleanup(async () => {
    const keys = [...ids].map((id) => `cart:${id}`);
    await withRedis(redisUrl, async (client) => {
      for (let i = 0; i < keys.length; i += 1000) await client.unlink(...keys.slice(i, i + 1000));
    });
    // The order rate limit's counter per IP, whatever the store's rate-limit store prefixes it with.
    await deleteRedisMatching(redisUrl, '*POST/api/v1/orders:*');
    await deleteRedisKeys(redisUrl, 'catalog:');
  });
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Requests

export const shippingAddress = {
  firstName: 'Ada',
  lastName: 'Runner',
  line1: '1 Market Street',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
};

export const orderBody = (cartId: string) => ({
  cartId,
  email: `buyer-${randomBytes(6).toString('hex')}@example.com`,
  shippingAddress,
  shippingMethodId: 'standard',
});

export class UnexpectedAnswer extends Error {
  constructor(
    readonly what: string,
    readonly answer: Answer,
  ) {
    super(`${what}: status ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
}

export function expectStatus(what: string, answer: Answer, status: number): Answer {
  if (answer.status !== status) throw new UnexpectedAnswer(what, answer);
  return answer;
}

export async function createCart(
  client: HttpClient,
  variantId: string,
  carts: Set<string>,
): Promise<{ cartId: string; cartMs: number; itemMs: number }> {
  const cart = expectStatus('POST /carts', await client.request('POST', '/api/v1/carts'), 201);
  const cartId = (JSON.parse(cart.body) as { id: string }).id;
  carts.add(cartId);
  const item = expectStatus(
    'POST /carts/:id/items',
    await client.request('POST', `/api/v1/carts/${cartId}/items`, { variantId, quantity: 1 }),
    200,
  );
  return { cartId, cartMs: cart.ms, itemMs: item.ms };
}

export const placeOrder = (client: HttpClient, cartId: string) =>
  client.request('POST', '/api/v1/orders', orderBody(cartId), {
    'idempotency-key': randomUUID(),
  });

// ---------------------------------------------------------------------------------------------
// 1. Orders per second

/** The latencies of one iteration's requests, the order's last. */
