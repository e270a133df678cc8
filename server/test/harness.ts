import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { connect } from 'amqplib';
import pg from 'pg';
import pino from 'pino';
import { describe } from 'vitest';
import type { Adapters } from '../src/platform/adapters.js';
import { createAmqpBus, type AmqpBus } from '../src/platform/bus/amqp.js';
import { createMemoryBus } from '../src/platform/bus/memory.js';
import { createMemoryCache } from '../src/platform/cache/memory.js';
import { createRedisCache } from '../src/platform/cache/redis.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { connectPostgres, openPglite } from '../src/platform/db/index.js';
import { seedCatalogIfEmpty } from '../src/seed/seed.js';
import { seededEmbeddedDatabase } from './embedded-template.js';
import { createHttpApp } from '../src/platform/http/app.js';
import { buildApi, type Services } from '../src/server.js';

/**
 * Test backends. `embedded` (PGlite, memory cache, in-process bus) always runs; `services` runs when
 * DATABASE_URL, REDIS_URL and AMQP_URL point at real PostgreSQL, Redis and RabbitMQ, and shows as
 * skipped when they do not. Each test file gets its own database, key prefix and exchange, so files
 * run in parallel without touching each other.
 */
export type Backend = 'embedded' | 'services';

/** Whether the real services are configured (CI sets all three URLs). */
export const servicesConfigured = Boolean(
  process.env.DATABASE_URL && process.env.REDIS_URL && process.env.AMQP_URL,
);

/**
 * One suite per backend, `%s` in the title naming it; the services' suite is skipped, not left out,
 * when the services are not configured, so a run without them says what it did not test.
 */
export function describeEachBackend(title: string, suite: (backend: Backend) => void): void {
  for (const backend of ['embedded', 'services'] as const) {
    describe.runIf(backend === 'embedded' || servicesConfigured)(title.replace('%s', backend), () =>
      suite(backend),
    );
  }
}

export const silentLogger = pino({ level: 'silent' });

/** The key tests sign with; tests that forge tokens sign with another. */
export const testJwtSecret = 'test-secret-for-access-tokens-0123456789abcdef';

export interface TestStore {
  backend: Backend;
  config: Config;
  adapters: Adapters & { databaseUrl?: string };
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

const uniqueName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** A new, empty database on the server `adminUrl` names, dropped by `drop()`. */
export async function createTestDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName('store_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A store's backends: empty databases, or with `seeded`, on the embedded backend, a copy of one
 * migrated and seeded already (`embedded-template.ts`).
 */
export async function openTestAdapters(
  backend: Backend,
  options: { seeded?: boolean } = {},
): Promise<Adapters & { databaseUrl?: string; dispose(): Promise<void> }> {
  if (backend === 'embedded') {
    const database = await openPglite(
      undefined,
      options.seeded ? await seededEmbeddedDatabase() : undefined,
    );
    const cache = createMemoryCache();
    const bus = createMemoryBus();
    return {
      database,
      cache,
      bus,
      async dispose() {
        await bus.close();
        await cache.close();
        await database.close();
      },
    };
  }
  const env = process.env as Record<string, string>;
  const created = await createTestDatabase(env.DATABASE_URL as string);
  const database = await connectPostgres(created.url, { max: 5 });
  const prefix = uniqueName('t');
  const cache = await createRedisCache(env.REDIS_URL as string, { keyPrefix: `${prefix}:` });
  const bus: AmqpBus = await createAmqpBus(env.AMQP_URL as string, {
    exchange: `${prefix}.events`,
    queuePrefix: `${prefix}.`,
    onError: () => {},
  });
  return {
    database,
    cache,
    bus,
    databaseUrl: created.url,
    async dispose() {
      const queues = bus.declaredQueues();
      await bus.close();
      await deleteQueues(env.AMQP_URL as string, queues, `${prefix}.events`);
      await cache.close();
      await database.close();
      await created.drop();
    },
  };
}

/**
 * A test's queues and exchange, deleted when it ends: durable queues outlive the test otherwise, and
 * each one holds file handles in RabbitMQ until the broker runs out of them.
 */
async function deleteQueues(url: string, queues: string[], exchange: string): Promise<void> {
  const connection = await connect(url).catch(() => null);
  if (!connection) return;
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => {});
    await channel.deleteExchange(exchange).catch(() => {});
  } finally {
    await connection.close().catch(() => {});
  }
}

/** A migrated, seeded store with its API built (not listening; use `app.inject`). */
export async function createTestStore(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<TestStore> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: testJwtSecret,
    AUTH_RATE_LIMIT: '1000',
    ORDER_RATE_LIMIT: '100000',
    // A test store does not listen unless the test says so: the in-store gateway's webhooks go
    // nowhere (never to whatever runs on the default port).
    PAYMENT_WEBHOOK_URL: 'http://127.0.0.1:9/no-store-listening',
    ...env,
  });
  const adapters = await openTestAdapters(backend, { seeded: true });
  // Nothing left to do on a seeded copy; on the services, every migration and the seed.
  await adapters.database.migrate();
  await seedCatalogIfEmpty(adapters.database.db, silentLogger);
  const { app, services } = await buildApi({
    config,
    adapters,
    logger: silentLogger,
    storefrontDir: false,
  });
  await app.ready();
  return {
    backend,
    config,
    adapters,
    app,
    services,
    async close() {
      await app.close();
      await adapters.dispose();
    },
  };
}

/** The HTTP platform alone (errors, auth, docs, ops), with no module, for tests of the platform. */
export function bareApp(env: Record<string, string> = {}) {
  return createHttpApp({
    config: loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: testJwtSecret,
      ...env,
    }),
    readinessChecks: [],
    logger: silentLogger,
    auth: { secret: testJwtSecret, accessTokenTtlSeconds: 900, cache: createMemoryCache() },
  });
}

/** Wait until `check` holds (for work a worker does asynchronously). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

export { freePort } from './process.js';
