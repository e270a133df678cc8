import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../kits/notifications.js';
import { address } from '../kits/checkout.js';
import { createTestDatabase, testJwtSecret, servicesConfigured } from '../harness.js';
import { freePort, startApiProcess, startWorkerProcess } from '../process.js';
import { deleteNamespace, ensureUp, queueDepths, rabbitmq, redis } from './services.js';

const env = process.env;
const orderCount = 200;

type Proc = ReturnType<typeof startApiProcess>;
interface Placed {
  id: string;
  email: string;
  accessToken: string;
  clientSecret: string;
  variantId: string;
  quantity: number;
}

/** Run `work` over `items`, `concurrency` at a time, in order of starting. */
async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/**
 * The reason the store uses a broker: 200 orders paid through the local gateway while RabbitMQ is
 * restarted, a worker is killed with SIGKILL mid-message, and Redis is restarted. Afterwards every
 * order is paid, every email went out exactly once, and no event is missing or applied twice.
 * An API process and two worker processes on the real PostgreSQL, Redis and RabbitMQ.
 */
describe.runIf(servicesConfigured)(
  'faults: paid orders through broker, worker and cache restarts',
  () => {
    let smtp: TestSmtpServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let client: pg.Client;
    const namespace = `faults_${randomBytes(4).toString('hex')}`;
    const processes: Proc[] = [];
    let base = '';
    let processEnv: Record<string, string> = {};

    beforeAll(async () => {
      smtp = await startSmtpServer();
      database = await createTestDatabase(env.DATABASE_URL as string);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      processEnv = {
        DATABASE_URL: database.url,
        REDIS_URL: env.REDIS_URL as string,
        AMQP_URL: env.AMQP_URL as string,
        AMQP_NAMESPACE: namespace,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: base,
        JWT_SECRET: testJwtSecret,
        SMTP_URL: smtp.url,
        ORDER_RATE_LIMIT: '100000',
        // A worker killed mid-send leaves its email to another after this many seconds.
        EMAIL_SEND_LEASE: '10',
      };
      const api = startApiProcess(processEnv);
      processes.push(api);
      await api.ready;
      for (let i = 0; i < 2; i++) {
        const worker = startWorkerProcess(processEnv);
        processes.push(worker);
        await worker.ready;
      }
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
    });

    afterAll(async () => {
      for (const proc of processes) proc.child.kill('SIGTERM');
      await Promise.all(
        processes.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))])),
      );
      await ensureUp();
      await deleteNamespace(env.AMQP_URL as string, namespace).catch(() => {});
      await client?.end().catch(() => {});
      await database?.drop();
      await smtp?.close();
    });

    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    const rows = async <T>(query: string, values: unknown[] = []) =>
      (await client.query(query, values)).rows as T[];

    it('every order is paid, every email sent once, no event missing or applied twice', async () => {
      // Twenty variants with plenty of stock, so no order falls short.
      const variants = await rows<{ id: string }>(
        `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'active' ORDER BY v.sku LIMIT 20`,
      );
      await client.query(
        `UPDATE stock_levels SET on_hand = 1000, reserved = 0 WHERE variant_id = ANY($1::uuid[])`,
        [variants.map((v) => v.id)],
      );

      const placed: Placed[] = [];
      await pool(
        Array.from({ length: orderCount }, (_, i) => i),
        8,
        async (i) => {
          const variantId = (variants[i % variants.length] as { id: string }).id;
          const quantity = 1 + (i % 3);
          const cart = await call('POST', '/api/v1/carts');
          await call('POST', `/api/v1/carts/${String(cart.id)}/items`, { variantId, quantity });
          const email = `fault-${i}-${randomBytes(3).toString('hex')}@example.com`;
          const order = await call(
            'POST',
            '/api/v1/orders',
            {
              cartId: cart.id,
              email,
              shippingAddress: address,
              shippingMethodId: 'standard',
            },
            { 'idempotency-key': randomUUID() },
          );
          const payment = order.payment as { clientSecret?: string };
          if (!payment.clientSecret) throw new Error('no client secret');
          placed.push({
            id: String(order.id),
            email,
            accessToken: String(order.accessToken),
            clientSecret: payment.clientSecret,
            variantId,
            quantity,
          });
        },
      );
      expect(placed).toHaveLength(orderCount);

      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const pay = (orders: Placed[]) =>
        pool(orders, 5, async (order) => {
          const answer = await call('POST', '/gateway/api/confirm', {
            clientSecret: order.clientSecret,
            cardNumber: '4242 4242 4242 4242',
            expMonth: 12,
            expYear: 2034,
            cvc: '123',
          });
          expect(answer.status).toBe('succeeded');
        });

      // A worker dies with SIGKILL while the payments just confirmed are flowing through it: what
      // it held unacknowledged is redelivered to the other worker.
      await pay(placed.slice(0, 60));
      (processes[1] as Proc).child.kill('SIGKILL');
      const replacement = startWorkerProcess(processEnv);
      processes.push(replacement);
      await replacement.ready;

      // RabbitMQ stops while payments keep arriving (the outbox holds their events) and comes back.
      await Promise.all([
        pay(placed.slice(60, 130)),
        (async () => {
          await sleep(300);
          await rabbitmq.stop();
          await sleep(3_000);
          await rabbitmq.start();
        })(),
      ]);

      // Redis goes away and comes back empty (nosave).
      await Promise.all([
        pay(placed.slice(130)),
        (async () => {
          await sleep(200);
          await redis.stop();
          await redis.start();
        })(),
      ]);

      await eventually(
        async () =>
          (
            await rows<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status = 'paid'`)
          )[0]?.n === orderCount,
        240_000,
        'every order paid',
      );
      await eventually(
        async () => new Set(smtp.messages.map((m) => m.messageId)).size >= orderCount * 2,
        240_000,
        'every email sent',
      ).catch(async (error: unknown) => {
        // What the store knows, to tell a lost message from a slow one.
        const state = {
          received: smtp.messages.length,
          notifications: await rows(
            `SELECT status, count(*)::int AS n FROM notifications GROUP BY status`,
          ),
          deadLetters: await rows(
            `SELECT consumer, count(*)::int AS n FROM dead_letters GROUP BY consumer`,
          ),
          outbox: await rows(
            `SELECT type, count(*) FILTER (WHERE published_at IS NULL)::int AS unsent, count(*)::int AS n FROM outbox GROUP BY type`,
          ),
          inbox: await rows(`SELECT consumer, count(*)::int AS n FROM inbox GROUP BY consumer`),
          pending: await rows(
            `SELECT template, attempts, created_at, updated_at, lease_until, last_error FROM notifications WHERE status <> 'sent' LIMIT 5`,
          ),
          queues: await queueDepths(namespace),
        };
        processes.forEach((p, i) => writeFileSync(`/tmp/faults-process-${i}.log`, p.output()));
        throw new Error(`${String(error)}\n${JSON.stringify(state, null, 2)}`);
      });
      // Anything sent twice would arrive within this pause.
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      // Every email exactly once: the order confirmation and the receipt, for each order. A
      // worker killed after the SMTP server accepted an email but before it recorded that sends
      // it again on takeover, with the same Message-ID (receiving systems that de-duplicate drop
      // it): at most the emails that worker had in hand, and each still one email.
      const distinct = new Map(
        smtp.messages.map((m) => [`${m.envelopeTo.join()} ${m.messageId}`, m]),
      );
      expect(distinct.size).toBe(orderCount * 2);
      const resent = smtp.messages.length - distinct.size;
      expect(resent).toBeLessThanOrEqual(10);
      if (resent > 0) console.info(`${resent} email(s) resent after the SIGKILL, same Message-ID`);
      for (const order of placed) {
        const subjects = [...distinct.values()]
          .filter((m) => m.envelopeTo.includes(order.email.toLowerCase()))
          .map((m) => m.subject.replace(/ SR-\w+| order \S+/g, ''));
        expect(subjects.sort(), order.email).toEqual(['Order received', 'Receipt for'].sort());
      }
      const notifications = await rows<{ n: number; sent: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'sent')::int AS sent FROM notifications`,
      );
      expect(notifications[0]).toEqual({ n: orderCount * 2, sent: orderCount * 2 });

      // Every event relayed, none failed; each payment applied once.
      const outbox = await rows<{ pending: number; failed: number; paid: number }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS pending,
                count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed,
                count(*) FILTER (WHERE type = 'payment_success')::int AS paid FROM outbox`,
      );
      expect(outbox[0]).toEqual({ pending: 0, failed: 0, paid: orderCount });
      const applied = await rows<{ n: number; orders: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM order_history WHERE to_status = 'paid'`,
      );
      expect(applied[0]).toEqual({ n: orderCount, orders: orderCount });
      const inbox = await rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM inbox WHERE consumer = 'orders-payment-success'`,
      );
      expect(inbox[0]?.n).toBe(orderCount);

      // Stock committed once per order: nothing still reserved, on hand down by what was sold.
      const sold = new Map<string, number>();
      for (const order of placed)
        sold.set(order.variantId, (sold.get(order.variantId) ?? 0) + order.quantity);
      const stock = await rows<{ variant_id: string; on_hand: number; reserved: number }>(
        `SELECT variant_id, on_hand, reserved FROM stock_levels WHERE variant_id = ANY($1::uuid[])`,
        [[...sold.keys()]],
      );
      for (const level of stock) {
        expect(level, level.variant_id).toEqual({
          variant_id: level.variant_id,
          on_hand: 1000 - (sold.get(level.variant_id) ?? 0),
          reserved: 0,
        });
      }
    });
  },
);
