import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startStoreProcess as startStore } from './process.js';

describe('the embedded store process', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts, migrates and seeds, serves the catalog, stops cleanly on SIGTERM, and keeps its data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stride-start-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = startStore({ PORT: String(port), DATA_DIR: dataDir });
    await first.ready;
    expect(first.output()).toContain('admin@stride.local');
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const listing = (await (await fetch(`http://127.0.0.1:${port}/api/v1/products`)).json()) as {
      items: unknown[];
      total: number;
    };
    expect(listing.items).toHaveLength(24);
    expect(listing.total).toBeGreaterThanOrEqual(120);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startStore({ PORT: String(port), DATA_DIR: dataDir });
    await second.ready;
    expect(second.output()).not.toContain('seeded the catalog');
    const again = (await (await fetch(`http://127.0.0.1:${port}/api/v1/products`)).json()) as {
      total: number;
    };
    expect(again.total).toBe(listing.total);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('refuses to start with a bad setting, naming it', async () => {
    const store = startStore({ PORT: 'eighty', DATA_DIR: join(tmpdir(), 'unused') });
    expect(await store.exited).toBe(1);
    expect(store.output()).toContain('PORT');
    await store.ready.catch(() => {});
  });

  describe('in production', () => {
    const production = (env: Record<string, string>) => ({
      NODE_ENV: 'production',
      JWT_SECRET: 'start-test-jwt-secret-0123456789abcdef',
      DATA_DIR: join(tmpdir(), 'unused'),
      PORT: '0',
      ...env,
    });

    /** The exit code, or 'started' if the store came up (then it is stopped). */
    async function outcome(store: ReturnType<typeof startStore>) {
      const first = await Promise.race([
        store.exited.then((code) => ({ exited: code })),
        store.ready.then(() => 'started' as const),
      ]);
      if (first === 'started') {
        store.child.kill('SIGTERM');
        await store.exited;
        return first;
      }
      return first.exited;
    }

    it('refuses the local test gateway unless PAYMENT_TEST_MODE=true says the store takes no money', async () => {
      const store = startStore(production({ PUBLIC_URL: 'https://shop.example.com' }));
      expect(await outcome(store)).toBe(1);
      expect(store.output()).toContain('PAYMENT_TEST_MODE');
      expect(store.output()).toContain('PAYMENT_PROVIDER=stripe');
    }, 60_000);

    it('refuses to start without PUBLIC_URL, naming it', async () => {
      const store = startStore(production({ PAYMENT_TEST_MODE: 'true' }));
      expect(await outcome(store)).toBe(1);
      expect(store.output()).toContain('PUBLIC_URL: required in production');
    }, 60_000);
  });
});
