/** The flash sale: many buyers, few units, two API processes. */

import { table } from './autocannon.js';

import { onCleanup } from './cleanup.js';
import { httpClient, latencyOf, ms, type HttpClient, type Latency } from './http.js';
import { describeStates, sampleBackends, type BackendStates } from './probe.js';

import {
  flashBuyers,
  flashUnits,
  flashSockets,
  plentyOfStock,
  storeApplication,
  log,
  storeDatabase,
  type SaleVariant,
  stockedVariants,
  stockOf,
  startApi,
  cleanRedisAfter,
  expectStatus,
  createCart,
  placeOrder,
} from './checkout-kit.js';

export interface FlashResult {
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
export async function forEach(
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

export async function flashSaleBenchmark(
  databaseUrl: string,
  redisUrl: string,
): Promise<FlashResult> {
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

export function reportFlash(result: FlashResult): void {
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
