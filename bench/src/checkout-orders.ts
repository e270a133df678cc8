/** Orders per second: the store's checkout beside a bare route writing the same rows. */
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import pg from 'pg';

import { table } from './autocannon.js';

import { startChild } from './children.js';
import { onCleanup } from './cleanup.js';
import { httpClient, latencyOf, ms, type Latency } from './http.js';
import {
  cpuBetween,
  cpuProbe,
  describeStates,
  sampleBackends,
  type BackendStates,
  type CpuUse,
} from './probe.js';
import type { BareOrderTemplate } from './protocol.js';

import {
  duration,
  warmup,
  connections,
  orderVariants,
  plentyOfStock,
  paymentTimeout,
  storeApplication,
  bareApplication,
  log,
  sleep,
  type StoreDatabase,
  withApplicationName,
  storeDatabase,
  type SaleVariant,
  stockedVariants,
  startApi,
  cleanRedisAfter,
  orderBody,
  expectStatus,
  createCart,
  placeOrder,
  UnexpectedAnswer,
} from './checkout-kit.js';

export type Iteration = () => Promise<number[]>;

export interface OrdersRun {
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

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * `connections` workers run `iteration` in a loop for warm-up + duration seconds without a pause;
 * an iteration counts when its order's answer arrived within the measured window. CPU and the
 * backends' states are taken over the same window.
 */
export async function runOrders(
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

export interface OrdersResult {
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

export async function ordersBenchmark(
  databaseUrl: string,
  redisUrl: string,
): Promise<OrdersResult> {
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
export async function bareTemplate(
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

export const perOrder = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(2)} ms`);

export function reportOrders(result: OrdersResult): void {
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
