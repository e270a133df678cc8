import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteNamespace } from './faults/services.js';
import { createTestDatabase, eventually, testJwtSecret, servicesConfigured } from './harness.js';
import { buildServer, freePort, startBuiltProcess } from './process.js';

const env = process.env;
/** A Redis database of its own: the processes write their keys unprefixed, as a deployment does. */
const redisDb = 13;

type Proc = ReturnType<typeof startBuiltProcess>;

/**
 * Two API processes and two workers from the built JavaScript on one PostgreSQL, Redis and
 * RabbitMQ, as a deployment runs them: a stock change made through one API process reaches the
 * other's cached product page and facet counts.
 */
describe.runIf(servicesConfigured)('a cluster of built processes', () => {
  const processes: Proc[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const apis: string[] = [];
  const namespace = `cluster_${Date.now().toString(36)}`;
  const admin = { email: 'cluster-admin@stride.test', password: 'cluster admin password 2026' };
  const redisUrl = () => {
    const url = new URL(env.REDIS_URL as string);
    url.pathname = `/${redisDb}`;
    return url.toString();
  };

  beforeAll(async () => {
    await buildServer();
    database = await createTestDatabase(env.DATABASE_URL as string);
    const common = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl(),
      AMQP_URL: env.AMQP_URL as string,
      AMQP_NAMESPACE: namespace,
      JWT_SECRET: testJwtSecret,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const api = startBuiltProcess('main-api', { ...common, PORT: String(port) }, 'store ready');
      processes.push(api);
      await api.ready;
      apis.push(`http://127.0.0.1:${port}`);
    }
    for (let i = 0; i < 2; i++) {
      const worker = startBuiltProcess('main-worker', common, 'worker started');
      processes.push(worker);
      await worker.ready;
    }
  }, 180_000);

  afterAll(async () => {
    for (const proc of processes) proc.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await deleteNamespace(env.AMQP_URL as string, namespace).catch(() => {});
    await database?.drop();
    const redis = new Redis(redisUrl());
    await redis.flushdb();
    redis.disconnect();
  });

  const json = async <T>(url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    expect(response.status, `${url}: ${response.status}`).toBeLessThan(300);
    return (await response.json()) as T;
  };
  type Listing = { total: number; items: { slug: string; available: number }[] };
  type Product = { variants: { id: string; available: number }[] };

  it('shows a stock change made through one API process in the other’s pages and facets', async () => {
    const [first, second] = apis as [string, string];
    const listing = `${second}/api/v1/products?inStock=true&limit=100`;
    const before = await json<Listing>(listing);
    // Cached now on the second process (and in Redis).
    await json<Listing>(listing);
    const slug = before.items.find((item) => item.available > 0)?.slug ?? '';
    const page = `${second}/api/v1/products/${slug}`;
    const product = await json<Product>(page);
    expect(product.variants.some((v) => v.available > 0)).toBe(true);

    const { accessToken } = await json<{ accessToken: string }>(`${first}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    for (const variant of product.variants) {
      await json(`${first}/api/v1/admin/variants/${variant.id}/inventory`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ onHand: 0 }),
      });
    }

    await eventually(async () => {
      const now = await json<Product>(page);
      return now.variants.every((v) => v.available === 0);
    }, 15_000);
    await eventually(async () => (await json<Listing>(listing)).total === before.total - 1, 15_000);
    const after = await json<Listing>(listing);
    expect(after.items.map((item) => item.slug)).not.toContain(slug);
  });
});
