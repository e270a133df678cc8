import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test/process.js';
import { startProxy } from '../../../test/tcp-proxy.js';
import { cacheContract } from './cache.contract.js';
import { createMemoryCache } from './memory.js';
import { createRedisCache } from './redis.js';

const REDIS_URL = process.env.REDIS_URL;
const prefix = () => `test:${randomUUID().slice(0, 8)}:`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

cacheContract('memory', async () => createMemoryCache());

describe('memory cache', () => {
  it('rejects every call after close', async () => {
    const cache = createMemoryCache();
    await cache.set('k', 'v');
    await cache.close();
    await expect(cache.get('k')).rejects.toThrow(/closed/);
    await expect(cache.ping()).rejects.toThrow(/closed/);
  });
});

// The real-service suites run when the service is configured (CI sets it), and are skipped otherwise.
describe.runIf(REDIS_URL)('redis', () => {
  const url = REDIS_URL!;

  cacheContract('redis', () => createRedisCache(url, { keyPrefix: prefix() }));

  it('isolates key prefixes and exposes the prefixed client', async () => {
    const a = await createRedisCache(url, { keyPrefix: prefix() });
    const b = await createRedisCache(url, { keyPrefix: prefix() });
    try {
      await a.set('shared', 'from-a', 30);
      expect(await b.get('shared')).toBeNull();
      expect(await a.client.get('shared')).toBe('from-a');
    } finally {
      await a.del('shared');
      await a.close();
      await b.close();
    }
  });

  it('fails fast when Redis is unreachable at startup', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(createRedisCache(`redis://127.0.0.1:${port}`)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ping throws promptly during an outage and the client recovers afterwards', async () => {
    const target = new URL(url);
    const proxy = await startProxy(target.hostname, Number(target.port || 6379));
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const cache = await createRedisCache(proxied.toString(), { keyPrefix: prefix() });
    try {
      await cache.set('k', 'before', 60);
      await proxy.cut();
      await sleep(50);

      const started = Date.now();
      await expect(cache.ping()).rejects.toThrow();
      await expect(cache.get('k')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1500);

      await proxy.restore();
      await waitFor(async () => {
        await cache.ping();
      }, 10_000);
      expect(await cache.get('k')).toBe('before');
      await cache.del('k');
    } finally {
      await cache.close();
      await proxy.stop();
    }
  });
});

async function waitFor(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}
