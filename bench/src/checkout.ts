/**
 * `npm run bench -- checkout` (both), `-- orders` or `-- flash-sale`: checkout on PostgreSQL and
 * Redis (DATABASE_URL and REDIS_URL must be set), each benchmark on a database of its own
 * (`bench_<run>_orders`, `bench_<run>_flash`: created, migrated and seeded with the demo catalog,
 * dropped at the end). The store is the real API process (`npm run start:api`, started with
 * `startApiProcess` from server/test/process.ts, NODE_ENV=production, no bus: the api role only
 * writes the outbox), with the order and sign-in rate limits raised, on Redis database
 * `BENCH_REDIS_DB` (15); the load generator runs here.
 *
 * 1. Orders per second. `BENCH_CONNECTIONS` (10) workers, each in a loop: create a cart, add one unit
 *    of a variant with 10,000,000 units on hand, place the order with a fresh Idempotency-Key. Then
 *    the same workers against a bare Fastify route in its own process (serve.ts, role bare-orders)
 *    whose one request writes the order's rows without any check. Both are counted in orders placed
 *    per second (the store's takes three requests), over `BENCH_CHECKOUT_DURATION` seconds after
 *    `BENCH_CHECKOUT_WARMUP` seconds of the same load; beside them the CPU each process spent per
 *    order and what PostgreSQL's backends were doing (sampled every 25 ms).
 * 2. Flash sale. Two API processes on one database and one Redis; `BENCH_FLASH_BUYERS` (500) guest
 *    buyers each have a cart with one unit of a variant that has `BENCH_FLASH_UNITS` (50) units
 *    (carts made before the clock starts, alternately on each process); then every buyer places the
 *    order at once, through at most `BENCH_FLASH_SOCKETS` (200) connections, each order sent to the
 *    other process than the one that made its cart. Exactly 50 orders must be created and 450 answered
 *    409 insufficient_stock, with no unit oversold; otherwise the benchmark fails.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { connectPostgres } from '../../server/src/platform/db/index.js';
import { seedCatalogIfEmpty } from '../../server/src/seed/seed.js';
import { freePort, startApiProcess } from '../../server/test/process.js';
import { table } from './autocannon.js';
import {
  createDatabase,
  deleteRedisKeys,
  deleteRedisMatching,
  numberFromEnv,
  withRedis,
} from './backends.js';
import { startChild } from './children.js';
import { onCleanup } from './cleanup.js';
import { httpClient, latencyOf, ms, type Answer, type HttpClient, type Latency } from './http.js';
import {
  cpuBetween,
  cpuProbe,
  describeStates,
  sampleBackends,
  type BackendStates,
  type CpuUse,
} from './probe.js';
import type { BareOrderTemplate } from './protocol.js';

const env = process.env;
const duration = numberFromEnv('BENCH_CHECKOUT_DURATION', 10);
const warmup = numberFromEnv('BENCH_CHECKOUT_WARMUP', 3);
const connections = numberFromEnv('BENCH_CONNECTIONS', 10);
/** Variants the orders benchmark spreads its orders over, in turn (1: every order on one variant). */
const orderVariants = Math.max(1, numberFromEnv('BENCH_ORDER_VARIANTS', 1));
const flashBuyers = numberFromEnv('BENCH_FLASH_BUYERS', 500);
const flashUnits = numberFromEnv('BENCH_FLASH_UNITS', 50);
const flashSockets = Math.max(2, numberFromEnv('BENCH_FLASH_SOCKETS', 200));
/** Units on hand of the orders benchmark's variant: far more than a run can sell. */
const plentyOfStock = 10_000_000;
/**
 * The Redis database (index) of the benchmark's API processes. They write keys without a prefix, as
 * a deployment does: guest carts, the per-IP counter of the order rate limit, the catalog version.
 * Another index keeps them apart from a store or tests on the same Redis (database 0).
 */
const redisDatabase = numberFromEnv('BENCH_REDIS_DB', 15);
/** Seconds before an unpaid order expires: nothing may expire during a run. */
const paymentTimeout = 86_400;

/** Connection names, so that the samples of pg_stat_activity tell the store from the bare route. */
const storeApplication = 'stride-api';
const bareApplication = 'bench-bare';

const log = (line = '') => process.stdout.write(`${line}\n`);
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkoutBackends(): { databaseUrl: string; redisUrl: string } | null {
  const databaseUrl = env.DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : null;
}

// ---------------------------------------------------------------------------------------------
// The store: a database per benchmark, API processes on it

interface StoreDatabase {
  url: string;
  name: string;
  /** The benchmark's own connection: stock set-up, checks, probes. */
  sql: pg.Client;
}

function withApplicationName(url: string, name: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', name);
  return named.toString();
}

/** A new database, migrated and seeded as a store's first start does it (the demo catalog). */
async function storeDatabase(adminUrl: string, label: string): Promise<StoreDatabase> {
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

interface SaleVariant {
  id: string;
  sku: string;
}

/** Variants of active products, each with `onHand` units and nothing reserved. */
async function stockedVariants(
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

async function stockOf(sql: pg.Client, variantId: string) {
  const { rows } = await sql.query<{ on_hand: number; reserved: number }>(
    'SELECT on_hand, reserved FROM stock_levels WHERE variant_id = $1',
    [variantId],
  );
  return { onHand: rows[0]?.on_hand ?? NaN, reserved: rows[0]?.reserved ?? NaN };
}

interface Api {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** One `npm run start:api` process on `databaseUrl` and Redis, api role only (no bus needed). */
async function startApi(databaseUrl: string, redisUrl: string): Promise<Api> {
  const port = await freePort();
  const api = startApiProcess({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
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
function apiRedisUrl(redisUrl: string): string {
  const url = new URL(redisUrl);
  url.pathname = `/${redisDatabase}`;
  return url.toString();
}

/**
 * The keys the benchmark's API processes leave in their Redis database, deleted at cleanup: the guest
 * carts it made (empty or not, they would live a week), the order rate-limit counters and the
 * catalog version the orders bumped. Returns the set to add each cart id to.
 */
function cleanRedisAfter(redisUrl: string): Set<string> {
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

const shippingAddress = {
  firstName: 'Ada',
  lastName: 'Runner',
  line1: '1 Market Street',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
};

const orderBody = (cartId: string) => ({
  cartId,
  email: `buyer-${randomBytes(6).toString('hex')}@example.com`,
  shippingAddress,
  shippingMethodId: 'standard',
});

class UnexpectedAnswer extends Error {
  constructor(
    readonly what: string,
    readonly answer: Answer,
  ) {
    super(`${what}: status ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
}

function expectStatus(what: string, answer: Answer, status: number): Answer {
  if (answer.status !== status) throw new UnexpectedAnswer(what, answer);
  return answer;
}

async function createCart(
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

const placeOrder = (client: HttpClient, cartId: string) =>
  client.request('POST', '/api/v1/orders', orderBody(cartId), {
    'idempotency-key': randomUUID(),
  });

// ---------------------------------------------------------------------------------------------
// 1. Orders per second

/** The latencies of one iteration's requests, the order's last. */
type Iteration = () => Promise<number[]>;

interface OrdersRun {
  orders: number;
  seconds: number;
  ordersPerSec: number;
  /** Per request of an iteration (store: cart, item, order; bare: order). */
  steps: Latency[];
  /** One iteration with nothing else running, median of 9 (per request). */
  alone: number[];
  cpu: CpuUse;
  backends: BackendStates;
  unexpected: Record<string, number>;
  firstUnexpected?: string;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * `connections` workers run `iteration` in a loop for warm-up + duration seconds without a pause;
 * an iteration counts when its order's answer arrived within the measured window. CPU and the
 * backends' states are taken over the same window.
 */
async function runOrders(
  iteration: Iteration,
  probe: ReturnType<typeof cpuProbe>,
  db: StoreDatabase,
  application: string,
): Promise<OrdersRun> {
  let running = true;
  const completed: { at: number; latencies: number[] }[] = [];
  const unexpected: Record<string, number> = {};
  let firstUnexpected: string | undefined;
  const workers = Array.from({ length: connections }, async () => {
    while (running) {
      try {
        const latencies = await iteration();
        completed.push({ at: performance.now(), latencies });
      } catch (err) {
        const key =
          err instanceof UnexpectedAnswer ? `${err.what} → ${err.answer.status}` : String(err);
        unexpected[key] = (unexpected[key] ?? 0) + 1;
        firstUnexpected ??= String(err);
        await sleep(10);
      }
    }
  });
  await sleep(warmup * 1000);
  const first = await probe.snapshot();
  const windowStart = performance.now();
  const sampler = sampleBackends(db.sql, db.name, application);
  await sleep(duration * 1000);
  const windowEnd = performance.now();
  const last = await probe.snapshot(first);
  running = false;
  const backends = await sampler.stop();
  await Promise.all(workers);

  // Once warm, and after the load: nothing of it is still running.
  const alone: number[][] = [];
  for (let i = 0; i < 9; i++) alone.push(await iteration());
  const steps = alone[0]?.length ?? 0;
  const counted = completed.filter((c) => c.at >= windowStart && c.at <= windowEnd);
  const seconds = (windowEnd - windowStart) / 1000;
  return {
    orders: counted.length,
    seconds,
    ordersPerSec: counted.length / seconds,
    steps: Array.from({ length: steps }, (_, i) =>
      latencyOf(counted.map((c) => c.latencies[i] ?? NaN)),
    ),
    alone: Array.from({ length: steps }, (_, i) => median(alone.map((a) => a[i] ?? NaN))),
    cpu: cpuBetween(first, last, counted.length),
    backends,
    unexpected,
    ...(firstUnexpected ? { firstUnexpected } : {}),
  };
}

interface OrdersResult {
  variants: SaleVariant[];
  store: OrdersRun;
  /** The bare route that updates the stock row last (the figure store/bare is taken against). */
  bare: OrdersRun;
  /** The bare route that updates the stock row first, as the store's checkout does. */
  bareStockFirst: OrdersRun;
  /** store orders/s ÷ bare orders/s. */
  ratio: number;
  ratioStockFirst: number;
  /** Units reserved on the variants after all the runs, and units in order lines: equal. */
  stock: { reserved: number; orderedUnits: number };
}

async function ordersBenchmark(databaseUrl: string, redisUrl: string): Promise<OrdersResult> {
  process.stdout.write('orders/s: database… ');
  const db = await storeDatabase(databaseUrl, 'orders');
  const variants = await stockedVariants(db.sql, orderVariants, plentyOfStock);
  const variantIds = variants.map((v) => v.id);
  let turn = 0;
  const nextVariant = () => variantIds[turn++ % variantIds.length] as string;
  const carts = cleanRedisAfter(redisUrl);
  process.stdout.write('store… ');
  const api = await startApi(db.url, redisUrl);
  const store = httpClient(api.url, { sockets: connections });
  onCleanup(async () => store.close());

  // One order through the store, whose figures the bare route then writes for every order.
  const sample = await createCart(store, nextVariant(), carts);
  const placed = expectStatus('POST /orders', await placeOrder(store, sample.cartId), 201);
  const orderId = (JSON.parse(placed.body) as { id: string }).id;
  const template = { ...(await bareTemplate(db.sql, orderId)), variantIds };

  const bareChild = await startChild({
    BENCH_ROLE: 'bare-orders',
    BENCH_DATABASE_URL: withApplicationName(db.url, bareApplication),
    BENCH_ORDER_TEMPLATE: JSON.stringify(template),
  });
  onCleanup(() => bareChild.stop());
  const bare = httpClient(bareChild.url, { sockets: connections });
  onCleanup(async () => bare.close());

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  onCleanup(async () => redis.disconnect());

  const storeIteration: Iteration = async () => {
    const { cartId, cartMs, itemMs } = await createCart(store, nextVariant(), carts);
    const order = expectStatus('POST /orders', await placeOrder(store, cartId), 201);
    return [cartMs, itemMs, order.ms];
  };
  const bareIteration =
    (path: string): Iteration =>
    async () => {
      const order = expectStatus(
        `bare POST ${path}`,
        await bare.request('POST', path, orderBody('c_bare'), {
          'idempotency-key': randomUUID(),
        }),
        201,
      );
      return [order.ms];
    };

  const storeProbe = cpuProbe({ serverPids: [api.pid], sql: db.sql, database: db.name, redis });
  const bareProbe = cpuProbe({
    serverPids: [bareChild.pid],
    sql: db.sql,
    database: db.name,
    redis,
  });
  process.stdout.write('load: store… ');
  const storeRun = await runOrders(storeIteration, storeProbe, db, storeApplication);
  process.stdout.write('bare… ');
  const bareRun = await runOrders(bareIteration('/api/v1/orders'), bareProbe, db, bareApplication);
  process.stdout.write('bare, stock first… ');
  const bareFirstRun = await runOrders(
    bareIteration('/api/v1/orders/stock-first'),
    bareProbe,
    db,
    bareApplication,
  );
  log('done');

  for (const [side, run] of [
    ['store', storeRun],
    ['bare', bareRun],
    ['bare, stock first', bareFirstRun],
  ] as const) {
    if (Object.keys(run.unexpected).length > 0) {
      throw new Error(
        `orders/s (${side}): unexpected answers: ${JSON.stringify(run.unexpected)}; first: ${run.firstUnexpected}`,
      );
    }
  }
  // Every order of every side holds one unit: nothing was lost or counted twice.
  const { rows } = await db.sql.query<{ reserved: number; units: number }>(
    `SELECT sum(reserved)::int AS reserved,
            (SELECT coalesce(sum(quantity), 0)::int FROM order_lines
             WHERE variant_id = ANY($1::uuid[])) AS units
     FROM stock_levels WHERE variant_id = ANY($1::uuid[])`,
    [variantIds],
  );
  const reserved = rows[0]?.reserved ?? NaN;
  const orderedUnits = rows[0]?.units ?? NaN;
  if (reserved !== orderedUnits) {
    throw new Error(`orders/s: ${reserved} units reserved for ${orderedUnits} ordered`);
  }
  await api.stop();
  await bareChild.stop();
  return {
    variants,
    store: storeRun,
    bare: bareRun,
    bareStockFirst: bareFirstRun,
    ratio: storeRun.ordersPerSec / bareRun.ordersPerSec,
    ratioStockFirst: storeRun.ordersPerSec / bareFirstRun.ordersPerSec,
    stock: { reserved, orderedUnits },
  };
}

/** The figures of an order the store placed, for the bare route to write again and again. */
async function bareTemplate(
  sql: pg.Client,
  orderId: string,
): Promise<Omit<BareOrderTemplate, 'variantIds'>> {
  const { rows } = await sql.query<Record<string, string | number | null>>(
    `SELECT o.currency, o.subtotal, o.discount, o.shipping, o.tax, o.total, o.shipping_method_id,
            o.shipping_method_name, o.tax_rate_bp, l.variant_id, l.sku, l.product_slug, l.name,
            l.size, l.color, l.image_url, l.unit_price, p.provider
     FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN payments p ON p.order_id = o.id
     WHERE o.id = $1`,
    [orderId],
  );
  const row = rows[0];
  if (!row) throw new Error(`order ${orderId} not found`);
  const text = (name: string) => String(row[name]);
  const number = (name: string) => Number(row[name]);
  return {
    variantId: text('variant_id'),
    sku: text('sku'),
    productSlug: text('product_slug'),
    name: text('name'),
    size: text('size'),
    color: text('color'),
    imageUrl: row.image_url === null ? null : text('image_url'),
    unitPrice: number('unit_price'),
    currency: text('currency'),
    subtotal: number('subtotal'),
    discount: number('discount'),
    shipping: number('shipping'),
    tax: number('tax'),
    total: number('total'),
    shippingMethodId: text('shipping_method_id'),
    shippingMethodName: text('shipping_method_name'),
    taxRateBasisPoints: number('tax_rate_bp'),
    provider: text('provider'),
    paymentTimeoutSeconds: paymentTimeout,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Flash sale

interface FlashResult {
  buyers: number;
  units: number;
  sockets: number;
  variant: SaleVariant;
  created: number;
  refused: number;
  /** Answers other than 201 and 409 insufficient_stock, by status. */
  other: Record<string, number>;
  ordersInDatabase: number;
  orderedUnits: number;
  oversold: number;
  stock: { onHand: number; reserved: number };
  latency201: Latency;
  latency409: Latency;
  wallMs: number;
  /** Orders answered per process (201 and 409 together). */
  perProcess: number[];
  backends: BackendStates;
  failures: string[];
}

/** Run `work` for each of `count` items, at most `limit` at a time, in index order. */
async function forEach(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function flashSaleBenchmark(databaseUrl: string, redisUrl: string): Promise<FlashResult> {
  process.stdout.write('flash sale: database… ');
  const db = await storeDatabase(databaseUrl, 'flash');
  const [variant, warmVariant] = await stockedVariants(db.sql, 2, flashUnits);
  if (!variant || !warmVariant) throw new Error('unreachable: two variants were checked');
  await db.sql.query('UPDATE stock_levels SET on_hand = $2 WHERE variant_id = $1', [
    warmVariant.id,
    plentyOfStock,
  ]);
  const carts = cleanRedisAfter(redisUrl);
  process.stdout.write('two API processes… ');
  const apis = await Promise.all([startApi(db.url, redisUrl), startApi(db.url, redisUrl)]);
  const perApi = Math.ceil(flashSockets / apis.length);
  const clients = apis.map((api) => httpClient(api.url, { sockets: perApi }));
  onCleanup(async () => clients.forEach((c) => c.close()));
  const clientFor = (i: number) => clients[i % clients.length] as HttpClient;

  // Before the clock: each process places a few orders of another variant (its checkout code warmed
  // up, its connection pools open), then every buyer's cart is made, half on each process.
  process.stdout.write('warm-up… ');
  await forEach(40, 20, async (i) => {
    const { cartId } = await createCart(clientFor(i), warmVariant.id, carts);
    expectStatus('warm-up POST /orders', await placeOrder(clientFor(i + 1), cartId), 201);
  });
  process.stdout.write('carts… ');
  const buyerCarts: string[] = new Array<string>(flashBuyers);
  await forEach(flashBuyers, flashSockets, async (i) => {
    buyerCarts[i] = (await createCart(clientFor(i), variant.id, carts)).cartId;
  });
  const before = await stockOf(db.sql, variant.id);
  if (before.onHand !== flashUnits || before.reserved !== 0) {
    throw new Error(`flash sale: stock before the sale is ${JSON.stringify(before)}`);
  }

  process.stdout.write('sale… ');
  const answers: { status: number; code?: string; ms: number; process: number }[] = [];
  const sampler = sampleBackends(db.sql, db.name, storeApplication, 10);
  const started = performance.now();
  await forEach(flashBuyers, flashSockets, async (i) => {
    const target = (i + 1) % clients.length;
    try {
      const answer = await placeOrder(clientFor(target), buyerCarts[i] as string);
      let code: string | undefined;
      if (answer.status !== 201) {
        try {
          code = (JSON.parse(answer.body) as { code?: string }).code;
        } catch {
          code = undefined;
        }
      }
      answers.push({
        status: answer.status,
        ...(code ? { code } : {}),
        ms: answer.ms,
        process: target,
      });
    } catch (err) {
      answers.push({ status: 0, code: String(err), ms: NaN, process: target });
    }
  });
  const wallMs = performance.now() - started;
  const backends = await sampler.stop();
  log('done');

  const created = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 409 && a.code === 'insufficient_stock');
  const other: Record<string, number> = {};
  for (const a of answers) {
    if (a.status === 201 || (a.status === 409 && a.code === 'insufficient_stock')) continue;
    const key = `${a.status}${a.code ? ` ${a.code}` : ''}`;
    other[key] = (other[key] ?? 0) + 1;
  }
  const { rows } = await db.sql.query<{ orders: number; units: number }>(
    `SELECT count(DISTINCT order_id)::int AS orders, coalesce(sum(quantity), 0)::int AS units
     FROM order_lines WHERE variant_id = $1`,
    [variant.id],
  );
  const ordersInDatabase = rows[0]?.orders ?? NaN;
  const orderedUnits = rows[0]?.units ?? NaN;
  const oversold = Math.max(0, orderedUnits - flashUnits);
  const stock = await stockOf(db.sql, variant.id);
  const expectedRefusals = Math.max(0, flashBuyers - flashUnits);
  const expectedOrders = Math.min(flashBuyers, flashUnits);
  const failures: string[] = [];
  if (oversold !== 0) failures.push(`${oversold} units oversold`);
  if (created.length !== expectedOrders) {
    failures.push(`${created.length} orders answered 201, not ${expectedOrders}`);
  }
  if (ordersInDatabase !== expectedOrders) {
    failures.push(`${ordersInDatabase} orders in the database, not ${expectedOrders}`);
  }
  if (refused.length !== expectedRefusals) {
    failures.push(`${refused.length} answers 409 insufficient_stock, not ${expectedRefusals}`);
  }
  if (Object.keys(other).length > 0) failures.push(`other answers: ${JSON.stringify(other)}`);
  if (stock.onHand !== flashUnits || stock.reserved !== expectedOrders) {
    failures.push(`final stock on_hand ${stock.onHand}, reserved ${stock.reserved}`);
  }
  await Promise.all(apis.map((api) => api.stop()));
  return {
    buyers: flashBuyers,
    units: flashUnits,
    sockets: flashSockets,
    variant,
    created: created.length,
    refused: refused.length,
    other,
    ordersInDatabase,
    orderedUnits,
    oversold,
    stock,
    latency201: latencyOf(created.map((a) => a.ms)),
    latency409: latencyOf(refused.map((a) => a.ms)),
    wallMs,
    perProcess: apis.map((_, i) => answers.filter((a) => a.process === i).length),
    backends,
    failures,
  };
}

// ---------------------------------------------------------------------------------------------

const perOrder = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(2)} ms`);

function reportOrders(result: OrdersResult): void {
  const { store, bare, bareStockFirst } = result;
  const [cart, item, order] = store.steps;
  const sides = [
    { name: 'store: cart + item + order', run: store, orderStep: 2, ratio: '' },
    {
      name: 'bare: order rows, stock last',
      run: bare,
      orderStep: 0,
      ratio: `${(result.ratio * 100).toFixed(1)} %`,
    },
    {
      name: 'bare: order rows, stock first',
      run: bareStockFirst,
      orderStep: 0,
      ratio: `${(result.ratioStockFirst * 100).toFixed(1)} %`,
    },
  ];
  log('');
  log(
    `orders/s: ${connections} connections, ${warmup} s warm-up + ${duration} s measured per side; ` +
      (result.variants.length === 1
        ? `one variant (${result.variants[0]?.sku})`
        : `${result.variants.length} variants in turn`) +
      ` with ${plentyOfStock.toLocaleString('en-US')} units on hand`,
  );
  log(
    table(
      ['side', 'orders', 'orders/s', 'order p50', 'order p99', 'order alone', 'store/this'],
      sides.map(({ name, run, orderStep, ratio }) => [
        name,
        String(run.orders),
        run.ordersPerSec.toFixed(0),
        ms(run.steps[orderStep]?.p50 ?? NaN),
        ms(run.steps[orderStep]?.p99 ?? NaN),
        ms(run.alone[orderStep] ?? NaN),
        ratio,
      ]),
    ),
  );
  log(
    `store/bare = ${(result.ratio * 100).toFixed(1)} % (aim: at least 50 %); ` +
      `order: the order POST's latency; alone: one order with nothing else running (median of 9)`,
  );
  log(
    `the store's other requests: POST /carts p50 ${ms(cart?.p50 ?? NaN)}, p99 ${ms(cart?.p99 ?? NaN)} ` +
      `(alone ${ms(store.alone[0] ?? NaN)}); POST /carts/:id/items p50 ${ms(item?.p50 ?? NaN)}, ` +
      `p99 ${ms(item?.p99 ?? NaN)} (alone ${ms(store.alone[1] ?? NaN)}); one order's three requests ` +
      `take ${ms((cart?.mean ?? 0) + (item?.mean ?? 0) + (order?.mean ?? 0))} on average`,
  );
  log('');
  log(
    table(
      [
        'CPU per order',
        'server process',
        'PostgreSQL',
        'Redis',
        'load generator',
        'whole machine',
        'busy cores',
        'other work',
      ],
      sides.map(({ name, run }) => {
        const { perUnitMs: p, machineBusyCores, otherCores, cores } = run.cpu;
        return [
          name,
          perOrder(p.servers),
          perOrder(p.postgres),
          perOrder(p.redis),
          perOrder(p.client),
          perOrder(p.machine),
          `${machineBusyCores.toFixed(2)} of ${cores.toFixed(0)}`,
          `${otherCores.toFixed(2)} cores`,
        ];
      }),
    ),
  );
  log(
    '(other work: busy CPU not accounted to the processes measured, e.g. anything else running on the machine)',
  );
  log('PostgreSQL backends of each side, mean number in each state (sampled every 25 ms):');
  for (const { name, run } of sides) log(`  ${name}: ${describeStates(run.backends)}`);
  log(
    `stock after the runs: reserved ${result.stock.reserved.toLocaleString('en-US')} = ` +
      `${result.stock.orderedUnits.toLocaleString('en-US')} units ordered`,
  );
}

function reportFlash(result: FlashResult): void {
  log('');
  log(
    `flash sale: ${result.buyers} buyers, ${result.units} units of ${result.variant.sku}, two API processes, ` +
      `at most ${result.sockets} connections (${result.perProcess.join(' + ')} orders per process)`,
  );
  log(
    table(
      ['figure', 'value', 'expected'],
      [
        [
          'orders created (201)',
          String(result.created),
          String(Math.min(result.buyers, result.units)),
        ],
        [
          'orders in the database',
          String(result.ordersInDatabase),
          String(Math.min(result.buyers, result.units)),
        ],
        [
          '409 insufficient_stock',
          String(result.refused),
          String(Math.max(0, result.buyers - result.units)),
        ],
        [
          'other answers',
          Object.entries(result.other)
            .map(([k, n]) => `${n} × ${k}`)
            .join(', ') || '0',
          '0',
        ],
        ['oversold units', String(result.oversold), '0'],
        [
          'final on_hand / reserved',
          `${result.stock.onHand} / ${result.stock.reserved}`,
          `${result.units} / ${Math.min(result.buyers, result.units)}`,
        ],
        ['wall time, first order sent to last answer', ms(result.wallMs), ''],
      ],
    ),
  );
  log(
    table(
      ['answers', 'count', 'p50', 'p99', 'max'],
      [
        ['201 created', result.latency201],
        ['409 insufficient_stock', result.latency409],
      ].map(([name, l]) => {
        const latency = l as Latency;
        return [
          name as string,
          String(latency.count),
          ms(latency.p50),
          ms(latency.p99),
          ms(latency.max),
        ];
      }),
    ),
  );
  log(`PostgreSQL backends during the sale (every 10 ms): ${describeStates(result.backends)}`);
}

export async function runCheckout(parts: { orders: boolean; flashSale: boolean }): Promise<void> {
  const backends = checkoutBackends();
  if (!backends) {
    throw new Error(
      'the checkout benchmarks run on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL',
    );
  }
  const started = Date.now();
  log(
    `checkout benchmark: PostgreSQL (a bench_* database per benchmark) + Redis (database ${redisDatabase}); ` +
      `${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const redisUrl = apiRedisUrl(backends.redisUrl);
  const orders = parts.orders ? await ordersBenchmark(backends.databaseUrl, redisUrl) : null;
  if (orders) reportOrders(orders);
  const flash = parts.flashSale ? await flashSaleBenchmark(backends.databaseUrl, redisUrl) : null;
  if (flash) reportFlash(flash);

  const seconds = (Date.now() - started) / 1000;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    settings: {
      connections,
      duration,
      warmup,
      orderVariants,
      flashBuyers,
      flashUnits,
      flashSockets,
      redisDatabase,
    },
    orders,
    flash,
    seconds,
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}checkout-${results.date.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log('');
  log(`results: ${file}`);
  log(`total time: ${seconds.toFixed(0)} s`);
  if (flash && flash.failures.length > 0) {
    throw new Error(`flash sale failed: ${flash.failures.join('; ')}`);
  }
}
