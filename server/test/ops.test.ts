import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../src/platform/bus/memory.js';
import { createRedisCache } from '../src/platform/cache/redis.js';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { openPglite } from '../src/platform/db/index.js';
import { buildApi } from '../src/server.js';
import {
  describeEachBackend,
  createTestStore,
  silentLogger,
  testJwtSecret,
  type TestStore,
  freePort,
} from './harness.js';

describeEachBackend('operations endpoints on %s backends', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend, { CORS_ORIGINS: 'https://shop.example' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reports liveness and readiness of every backend', async () => {
    expect((await store.app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await store.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'up', cache: 'up', bus: 'up', relay: 'up' },
      // The local gateway: a test store.
      payments: { provider: 'local', mode: 'test' },
    });
  });

  it('exposes per-route latency histograms and process metrics', async () => {
    await store.app.inject('/api/v1/products?limit=1');
    const metrics = await store.app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/products"[^}]*\}/,
    );
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const document = (await store.app.inject('/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: object }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const listing = document.paths['/api/v1/products']?.get;
    expect(listing?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'q',
        'category',
        'gender',
        'size',
        'color',
        'minPrice',
        'maxPrice',
        'inStock',
        'sort',
        'limit',
        'cursor',
      ]),
    );
    expect(Object.keys(listing?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400']));
    expect(document.paths['/api/v1/products/{slug}']?.get).toBeDefined();
    expect(document.paths['/api/v1/categories']?.get).toBeDefined();
    const docs = await store.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('sends security headers and allows only configured origins', async () => {
    const response = await store.app.inject({
      url: '/api/v1/categories',
      headers: { origin: 'https://shop.example' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const page = await store.app.inject('/health');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    const foreign = await store.app.inject({
      url: '/api/v1/categories',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', () => reject(new Error('redis-server exited')));
  });
}

describe('readiness with a Redis that stops', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('answers 503 naming the cache while Redis is down, and recovers when it is back', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const database = await openPglite();
    const cache = await createRedisCache(`redis://127.0.0.1:${port}`);
    const bus = createMemoryBus();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: testJwtSecret });
    const { app } = await buildApi({
      config,
      adapters: { database, cache, bus },
      logger: silentLogger,
      storefrontDir: false,
    });
    try {
      expect((await app.inject('/ready')).statusCode).toBe(200);

      redis.kill('SIGKILL');
      await new Promise((resolve) => redis?.once('exit', resolve));
      const down = await app.inject('/ready');
      expect(down.statusCode).toBe(503);
      expect(down.headers['content-type']).toContain('application/problem+json');
      expect(down.json()).toMatchObject({
        status: 503,
        code: 'not_ready',
        checks: { database: 'up', cache: 'down', bus: 'up' },
        down: ['cache'],
      });
      expect(down.json().detail).toContain('cache');

      redis = await startRedis(port);
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await app.inject('/ready')).statusCode;
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
      await cache.close();
      await bus.close();
      await database.close();
    }
  });
});

describe('configuration', () => {
  it('names each bad variable and refuses to start', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CORS_ORIGINS: 'not a url' }),
    ).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LOG_LEVEL');
  });

  it('runs embedded when no service URL is set, and on the services when they are', () => {
    expect(loadConfig({}).embedded).toBe(true);
    expect(loadConfig({}).PORT).toBe(3000);
    const real = loadConfig({
      DATABASE_URL: 'postgres://db/store',
      REDIS_URL: 'redis://cache',
      AMQP_URL: 'amqp://bus',
    });
    expect(real.embedded).toBe(false);
  });

  it('requires both admin variables or neither in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.example' })).toThrow(
      /ADMIN/,
    );
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD/,
    );
  });
});
