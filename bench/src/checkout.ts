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

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

import {
  duration,
  warmup,
  connections,
  orderVariants,
  flashBuyers,
  flashUnits,
  flashSockets,
  redisDatabase,
  log,
  checkoutBackends,
  apiRedisUrl,
} from './checkout-kit.js';
import { ordersBenchmark, reportOrders } from './checkout-orders.js';
import { flashSaleBenchmark, reportFlash } from './checkout-flash.js';

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
