/**
 * A benchmark server in its own process (own event loop, so it does not share one with the load
 * generator). Started by `children.ts` with `node --import tsx` and an IPC channel:
 *
 * - BENCH_ROLE=store: a real store built with the server's `buildApi` over real adapters: PGlite or
 *   PostgreSQL (BENCH_DATABASE_URL), memory cache or Redis (BENCH_REDIS_URL, BENCH_REDIS_PREFIX),
 *   migrated and loaded with BENCH_PRODUCTS generated products (0: the demo seed of `npm start`).
 *   AUTH_RATE_LIMIT and LOGIN_FAILURE_LIMIT pass through to its configuration (the parent raises
 *   them, so that the login runs measure argon2 rather than the limits).
 * - BENCH_ROLE=bare: a plain `fastify()` with no plugins answering the catalog paths and `/me` with
 *   precomputed JSON strings, which the parent sends (message `bodies`) before each case.
 * - BENCH_ROLE=bare-orders: a plain `fastify()` whose `POST /api/v1/orders` makes the rows of an
 *   order without any of the checks (see `startBareOrders`), on the PostgreSQL database
 *   BENCH_DATABASE_URL, with the order's figures from BENCH_ORDER_TEMPLATE (JSON, `BareOrderTemplate`).
 *
 * Both listen on 127.0.0.1 on a free port and send `{ type: 'ready', port, ... }` to the parent.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { importCategories, importProducts } from '../../server/src/modules/catalog/import.js';
import { closeAdapters, type Adapters } from '../../server/src/platform/adapters.js';
import { createMemoryBus } from '../../server/src/platform/bus/memory.js';
import { createMemoryCache } from '../../server/src/platform/cache/memory.js';
import { createRedisCache } from '../../server/src/platform/cache/redis.js';
import { loadConfig } from '../../server/src/platform/config.js';
import { connectPostgres, openPglite } from '../../server/src/platform/db/index.js';
import { uuidv7 } from '../../server/src/platform/db/ids.js';
import { newOrderNumber } from '../../server/src/modules/orders/checkout-repository.js';
import { categories, generateCatalog } from '../../server/src/seed/catalog-data.js';
import { buildApi } from '../../server/src/server.js';
import { explainListing } from './explain-listing.js';
import type { BareOrderTemplate, ChildMessage, ParentMessage, StoreInfo } from './protocol.js';

const env = process.env;
/** The store's log lines (warnings and errors) go to stderr until it is stopped. */
let muted = false;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function onMessage(handler: (message: ParentMessage) => Promise<void>): void {
  process.on('message', (message: ParentMessage) => {
    handler(message).catch((err: unknown) => {
      void send({ type: 'error', message: describe(err) });
    });
  });
}

/** Fewer colours per product (so fewer variants, images and stock rows), to shorten big imports. */
function limitColors<T extends ReturnType<typeof generateCatalog>[number]>(
  product: T,
  max: number,
): T {
  if (product.colors.length <= max) return product;
  const colors = product.colors.slice(0, max);
  return {
    ...product,
    colors,
    variants: product.variants.filter((v) => colors.includes(v.color)),
    images: product.images.filter((i) => colors.includes(i.color)),
  };
}

async function openStoreAdapters(): Promise<Adapters> {
  const database = env.BENCH_DATABASE_URL
    ? await connectPostgres(env.BENCH_DATABASE_URL)
    : await openPglite();
  const cache = env.BENCH_REDIS_URL
    ? await createRedisCache(env.BENCH_REDIS_URL, { keyPrefix: env.BENCH_REDIS_PREFIX ?? 'bench:' })
    : createMemoryCache();
  return { database, cache, bus: createMemoryBus() };
}

/** A CPU profile of this server, taken between two messages (so the start-up is not in it). */
let profiler: inspector.Session | undefined;

async function profiling(message: ParentMessage): Promise<boolean> {
  if (message.type === 'profile-start') {
    profiler = new inspector.Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (message.type === 'profile-stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(message.file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  } else {
    return false;
  }
  await send({ type: 'ack' });
  return true;
}

async function startStore(): Promise<void> {
  const started = Date.now();
  const adapters = await openStoreAdapters();
  await adapters.database.migrate();

  const count = Number(env.BENCH_PRODUCTS ?? 0);
  const maxColors = Number(env.BENCH_MAX_COLORS ?? 0);
  const generated = count > 0 ? generateCatalog({ count, seed: 42 }) : generateCatalog();
  const catalog = maxColors > 0 ? generated.map((p) => limitColors(p, maxColors)) : generated;
  const importStarted = Date.now();
  await importCategories(adapters.database.db, categories);
  await importProducts(adapters.database.db, catalog);
  const importMs = Date.now() - importStarted;
  const variants = catalog.reduce((n, p) => n + p.variants.length, 0);
  const slug = catalog[Math.floor(catalog.length / 2)]?.slug ?? '';
  // 100k products are ~1.4M variant objects: let them go before serving.
  catalog.length = 0;
  generated.length = 0;
  // Statistics and the visibility map after a bulk load, as autovacuum leaves them on a live store.
  await adapters.database.db.execute(sql`VACUUM ANALYZE`);

  const config = loadConfig({
    NODE_ENV: 'production',
    PUBLIC_URL: 'http://127.0.0.1',
    PAYMENT_TEST_MODE: 'true',
    LOG_LEVEL: 'warn',
    CATALOG_CACHE_TTL: '900',
    // Production requires a signing key for access tokens.
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUTH_RATE_LIMIT: env.AUTH_RATE_LIMIT,
    LOGIN_FAILURE_LIMIT: env.LOGIN_FAILURE_LIMIT,
  });
  const { app, services } = await buildApi({
    config,
    adapters,
    logger: pino(
      { level: 'warn' },
      { write: (line: string) => void (muted || process.stderr.write(line)) },
    ),
    storefrontDir: false,
  });
  const listening = Date.now();
  await app.listen({ port: 0, host: '127.0.0.1' });
  // The facet index is built as the API starts (onReady); the store is warm once it is there.
  await services.catalog.warm();
  const indexMs = Date.now() - listening;

  const info: StoreInfo = {
    indexMs,
    database: adapters.database.kind,
    cache: adapters.cache.kind,
    products: count > 0 ? count : 144,
    variants,
    importMs,
    bootMs: Date.now() - started,
    sampleSlug: slug,
    authRateLimit: config.AUTH_RATE_LIMIT,
    loginFailureLimit: config.LOGIN_FAILURE_LIMIT,
  };
  await send({ type: 'ready', port: portOf(app), store: info });

  onMessage(async (message) => {
    if (message.type === 'explain') {
      await send({
        type: 'explained',
        plans: await explainListing(adapters.database.db, services.catalog, message.query),
      });
    } else if (await profiling(message)) {
      return;
    } else if (message.type === 'stop') {
      await app.close();
      // Requests the load generator abandoned when a run ended may still be running; closing the
      // backends under them makes them fail, which says nothing about the store: do not log it.
      muted = true;
      await closeAdapters(adapters);
      process.exit(0);
    }
  });
}

async function startBare(): Promise<void> {
  const app = Fastify();
  let bodies: Record<string, string> = {};
  const json = 'application/json; charset=utf-8';
  app.get('/api/v1/products', async (_request, reply) => reply.type(json).send(bodies.list));
  app.get('/api/v1/products/:slug', async (_request, reply) =>
    reply.type(json).send(bodies.product),
  );
  app.get('/api/v1/me', async (_request, reply) => reply.type(json).send(bodies.me));
  await app.listen({ port: 0, host: '127.0.0.1' });
  await send({ type: 'ready', port: portOf(app) });

  onMessage(async (message) => {
    if (message.type === 'bodies') {
      bodies = message.bodies;
      await send({ type: 'ack' });
    } else if (await profiling(message)) {
      return;
    } else if (message.type === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
}

/**
 * "The same inserts without the checks": one request makes one order in one transaction, with the
 * rows the store's checkout writes for it (the order, its line, its payment, an outbox event) and one
 * unit held by an unconditional `reserved = reserved + 1`. No cart, no re-pricing from the catalog
 * (the figures are the template's, read from an order the store placed), no stock check, no
 * idempotency key, no history row, no response schema. The same driver (node-postgres) and pool size
 * (10) as the store.
 *
 * - `POST /api/v1/orders` updates the stock row last, just before COMMIT, so its row lock (which every
 *   order of the variant needs) is held only for that statement and the commit.
 * - `POST /api/v1/orders/stock-first` updates it first, as the store reserves before it writes the
 *   order: the lock is held for the whole transaction.
 */
async function startBareOrders(): Promise<void> {
  const url = env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_ROLE=bare-orders needs BENCH_DATABASE_URL');
  const template = JSON.parse(env.BENCH_ORDER_TEMPLATE ?? 'null') as BareOrderTemplate | null;
  if (!template) throw new Error('BENCH_ROLE=bare-orders needs BENCH_ORDER_TEMPLATE');
  const t = template;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});

  let turn = 0;
  const reserve = (client: pg.PoolClient, variantId: string) =>
    client.query(
      'UPDATE stock_levels SET reserved = reserved + 1, updated_at = now() WHERE variant_id = $1',
      [variantId],
    );
  async function placeOrder(
    body: { email: string; shippingAddress: unknown },
    stockFirst: boolean,
  ) {
    const id = uuidv7();
    const number = newOrderNumber();
    const variantId = t.variantIds[turn++ % t.variantIds.length] ?? t.variantId;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (stockFirst) await reserve(client, variantId);
      await client.query(
        `INSERT INTO orders (id, number, email, status, currency, subtotal, discount, shipping, tax, total,
                             shipping_method_id, shipping_method_name, tax_rate_bp, shipping_address,
                             payment_due_at)
         VALUES ($1, $2, $3, 'pending_payment', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                 now() + make_interval(secs => $14))`,
        [
          id,
          number,
          body.email,
          t.currency,
          t.subtotal,
          t.discount,
          t.shipping,
          t.tax,
          t.total,
          t.shippingMethodId,
          t.shippingMethodName,
          t.taxRateBasisPoints,
          JSON.stringify(body.shippingAddress),
          t.paymentTimeoutSeconds,
        ],
      );
      await client.query(
        `INSERT INTO order_lines (order_id, variant_id, sku, product_slug, name, size, color, image_url,
                                  unit_price, quantity, line_total, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $9, 0)`,
        [id, variantId, t.sku, t.productSlug, t.name, t.size, t.color, t.imageUrl, t.unitPrice],
      );
      await client.query(
        `INSERT INTO payments (order_id, provider, status, amount, currency, client_secret)
         VALUES ($1, $2, 'pending', $3, $4, $5)`,
        [id, t.provider, t.total, t.currency, `pi_${id.replaceAll('-', '')}_secret_bare`],
      );
      await client.query(
        `INSERT INTO outbox (type, version, payload) VALUES ('order_created', 1, $1)`,
        [
          JSON.stringify({
            orderId: id,
            number,
            email: body.email,
            total: t.total,
            items: [{ variantId, sku: t.sku, quantity: 1, unitPrice: t.unitPrice }],
          }),
        ],
      );
      if (!stockFirst) await reserve(client, variantId);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    return { id, number, status: 'pending_payment', total: t.total };
  }

  type OrderRequest = { Body: { email: string; shippingAddress: unknown } };
  const app = Fastify();
  app.post<OrderRequest>('/api/v1/orders', async (request, reply) =>
    reply.status(201).send(await placeOrder(request.body, false)),
  );
  app.post<OrderRequest>('/api/v1/orders/stock-first', async (request, reply) =>
    reply.status(201).send(await placeOrder(request.body, true)),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  await send({ type: 'ready', port: portOf(app) });

  onMessage(async (message) => {
    if (message.type === 'stop') {
      await app.close();
      await pool.end();
      process.exit(0);
    }
  });
}

function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a TCP port');
  return address.port;
}

// The parent going away (crash, Ctrl-C) must not leave a server running.
process.on('disconnect', () => process.exit(0));

try {
  if (env.BENCH_ROLE === 'store') await startStore();
  else if (env.BENCH_ROLE === 'bare') await startBare();
  else if (env.BENCH_ROLE === 'bare-orders') await startBareOrders();
  else throw new Error(`BENCH_ROLE must be store, bare or bare-orders, not ${env.BENCH_ROLE}`);
} catch (err) {
  await send({ type: 'error', message: describe(err) });
  process.exit(1);
}
