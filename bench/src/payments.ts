/**
 * `npm run bench -- payments`: the asynchronous half on PostgreSQL, Redis and RabbitMQ (DATABASE_URL,
 * REDIS_URL and AMQP_URL must be set), on a database of its own (`bench_<run>_payments`, dropped at
 * the end) and a RabbitMQ namespace of its own (its queues deleted at the end).
 *
 * One API process (`npm run start:api`, the local gateway inside it) and `BENCH_PAYMENT_WORKERS` (2)
 * worker processes (`npm run start:worker`); emails go to an SMTP server in this process that notes
 * when it accepted each one.
 *
 * 1. Payment latency. `BENCH_PAYMENT_ORDERS` (500) guest orders are placed first (not measured).
 *    Then they are paid through the gateway's confirm endpoint at `BENCH_PAYMENT_RATE` (50) per
 *    second, open loop (a confirm every 1/rate s, whatever the answers do). For each order: from the
 *    confirm's answer to the order's move to `paid` (its timeline entry, written by the consumer of
 *    `payment_success`), and to the SMTP server accepting the receipt. The path: gateway → signed
 *    webhook over HTTP → payment_events + outbox → relay (NOTIFY) → RabbitMQ → orders consumer →
 *    outbox → relay → RabbitMQ → email consumer → SMTP. Aim: p99 under 1 s.
 * 2. Relay throughput. `BENCH_RELAY_EVENTS` (20,000) events are written to the outbox in one
 *    transaction (a type no consumer subscribes to, so this measures the relay and the broker's
 *    confirms alone); the workers' relays publish them. Events per second from the commit to the
 *    last row marked published.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { deleteNamespace } from '../../server/test/faults/services.js';
import { freePort, startApiProcess, startWorkerProcess } from '../../server/test/process.js';
import { numberFromEnv, runId } from './backends.js';
import {
  expectStatus,
  log,
  orderBody,
  sleep,
  storeDatabase,
  stockedVariants,
} from './checkout-kit.js';
import { onCleanup } from './cleanup.js';
import { httpClient, latencyOf, ms } from './http.js';

const orders = numberFromEnv('BENCH_PAYMENT_ORDERS', 500);
const rate = numberFromEnv('BENCH_PAYMENT_RATE', 50);
const workers = numberFromEnv('BENCH_PAYMENT_WORKERS', 2);
const relayEvents = numberFromEnv('BENCH_RELAY_EVENTS', 20_000);

/** An SMTP server noting when it accepted a message for each recipient, by subject. */
async function smtpRecorder() {
  const accepted = new Map<string, number>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = Date.now();
        const head = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n')[0] ?? '';
        const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
        for (const rcpt of session.envelope.rcptTo) {
          accepted.set(`${rcpt.address.toLowerCase()} ${subject.split(' ')[0] ?? ''}`, at);
        }
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${port}`, accepted };
}

function startProcess(start: () => ReturnType<typeof startApiProcess>) {
  const proc = start();
  onCleanup(async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const force = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
    proc.child.kill('SIGTERM');
    await proc.exited;
    clearTimeout(force);
  });
  return proc;
}

export async function runPayments(): Promise<void> {
  const { DATABASE_URL, REDIS_URL, AMQP_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL || !AMQP_URL) {
    throw new Error('the payments benchmark needs DATABASE_URL, REDIS_URL and AMQP_URL');
  }
  log('== payments: confirm → paid → receipt email, and relay throughput');
  const smtp = await smtpRecorder();
  const database = await storeDatabase(DATABASE_URL, 'payments');
  const namespace = `bench_${runId}`.toLowerCase();
  onCleanup(() => deleteNamespace(AMQP_URL, namespace));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    PAYMENT_TEST_MODE: 'true',
    DATABASE_URL: database.url,
    REDIS_URL,
    AMQP_URL,
    AMQP_NAMESPACE: namespace,
    SEED_ON_START: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench-admin@stride.test',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    ORDER_RATE_LIMIT: '100000000',
    ORDER_PAYMENT_TIMEOUT: '86400',
    SMTP_URL: smtp.url,
    LOG_LEVEL: 'info',
  };
  const api = startProcess(() => startApiProcess(env));
  await api.ready;
  for (let i = 0; i < workers; i++) await startProcess(() => startWorkerProcess(env)).ready;
  log(`store: 1 API process (gateway inside), ${workers} worker processes, namespace ${namespace}`);

  // 1. Orders placed first, then paid at a steady rate.
  const variants = await stockedVariants(database.sql, 20, 10_000_000);
  const client = httpClient(base, { sockets: 20 });
  const placed: { id: string; email: string; clientSecret: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < orders) {
        const variantId = (variants[next++ % variants.length] as { id: string }).id;
        const cart = expectStatus(
          'POST /carts',
          await client.request('POST', '/api/v1/carts'),
          201,
        );
        const cartId = (JSON.parse(cart.body) as { id: string }).id;
        expectStatus(
          'POST /carts/:id/items',
          await client.request('POST', `/api/v1/carts/${cartId}/items`, { variantId, quantity: 1 }),
          200,
        );
        const body = orderBody(cartId);
        const order = expectStatus(
          'POST /orders',
          await client.request('POST', '/api/v1/orders', body, { 'idempotency-key': randomUUID() }),
          201,
        );
        const parsed = JSON.parse(order.body) as { id: string; payment: { clientSecret?: string } };
        if (!parsed.payment.clientSecret) throw new Error('an order came without a client secret');
        placed.push({
          id: parsed.id,
          email: body.email,
          clientSecret: parsed.payment.clientSecret,
        });
      }
    }),
  );
  // Their order-received emails out of the way before the clock starts.
  const deadline = Date.now() + 120_000;
  while (smtp.accepted.size < orders && Date.now() < deadline) await sleep(100);
  log(`${orders} orders placed; paying them at ${rate}/s`);

  const confirmedAt = new Map<string, number>();
  const started = Date.now();
  const confirms: Promise<void>[] = [];
  for (const [i, order] of placed.entries()) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    confirms.push(
      client
        .request('POST', '/gateway/api/confirm', {
          clientSecret: order.clientSecret,
          cardNumber: '4242424242424242',
          expMonth: 12,
          expYear: 2034,
          cvc: '123',
        })
        .then((answer) => {
          expectStatus('POST /gateway/api/confirm', answer, 200);
          confirmedAt.set(order.id, Date.now());
        }),
    );
  }
  await Promise.all(confirms);
  const confirmSeconds = (Date.now() - started) / 1000;
  const waitUntil = Date.now() + 120_000;
  const receiptOf = (email: string) => smtp.accepted.get(`${email.toLowerCase()} Receipt`);
  while (placed.some((o) => receiptOf(o.email) === undefined) && Date.now() < waitUntil) {
    await sleep(100);
  }
  const { rows } = await database.sql.query<{ order_id: string; at: Date }>(
    `SELECT order_id, created_at AS at FROM order_history WHERE to_status = 'paid'`,
  );
  const paidAt = new Map(rows.map((r) => [r.order_id, new Date(r.at).getTime()]));
  const toPaid: number[] = [];
  const toEmail: number[] = [];
  let missing = 0;
  for (const order of placed) {
    const confirmed = confirmedAt.get(order.id);
    const paid = paidAt.get(order.id);
    const receipt = receiptOf(order.email);
    if (confirmed === undefined || paid === undefined || receipt === undefined) {
      missing++;
      continue;
    }
    toPaid.push(Math.max(0, paid - confirmed));
    toEmail.push(Math.max(0, receipt - confirmed));
  }
  const paidLatency = latencyOf(toPaid);
  const emailLatency = latencyOf(toEmail);
  log(
    `confirms sent: ${placed.length} in ${confirmSeconds.toFixed(1)} s (${(placed.length / confirmSeconds).toFixed(1)}/s)`,
  );
  log(
    `confirm → order paid:      p50 ${ms(paidLatency.p50)}  p99 ${ms(paidLatency.p99)}  max ${ms(paidLatency.max)}`,
  );
  log(
    `confirm → receipt accepted: p50 ${ms(emailLatency.p50)}  p99 ${ms(emailLatency.p99)}  max ${ms(emailLatency.max)}`,
  );
  log(
    `aim: p99 under 1 s — ${emailLatency.p99 < 1000 && paidLatency.p99 < 1000 ? 'met' : 'not met'}`,
  );
  if (missing > 0)
    throw new Error(`${missing} orders were not paid or got no receipt within 120 s`);

  // 2. Relay throughput.
  await database.sql.query(
    `INSERT INTO outbox (id, type, version, payload)
     SELECT gen_random_uuid(), 'bench_relay_probe', 1, jsonb_build_object('n', n)
     FROM generate_series(1, $1) AS n`,
    [relayEvents],
  );
  const relayStarted = Date.now();
  for (;;) {
    const { rows: left } = await database.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'bench_relay_probe' AND published_at IS NULL`,
    );
    if ((left[0]?.n ?? 0) === 0) break;
    if (Date.now() - relayStarted > 300_000)
      throw new Error('the relay did not drain in 5 minutes');
    await sleep(20);
  }
  const relaySeconds = (Date.now() - relayStarted) / 1000;
  log(
    `relay: ${relayEvents} events published and confirmed in ${relaySeconds.toFixed(2)} s = ${Math.round(relayEvents / relaySeconds)} events/s (${workers} relays)`,
  );
  client.close();
}
