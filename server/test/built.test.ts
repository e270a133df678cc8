import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testJwtSecret, servicesConfigured } from './harness.js';
import { deleteNamespace } from './faults/services.js';
import { buildServer, freePort, startBuiltProcess } from './process.js';

const env = process.env;

type Proc = ReturnType<typeof startBuiltProcess>;

/** SIGTERM, then the exit code, which must come within the shutdown timeout (15 s). */
async function stopped(proc: Proc): Promise<number | null> {
  proc.child.kill('SIGTERM');
  return Promise.race([
    proc.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no exit 15 s after SIGTERM:\n${proc.output()}`)), 15_000),
    ),
  ]);
}

/**
 * The production process: the server built to JavaScript and run with plain node (what `npm
 * start` and the `start:*` scripts do), each role started, answering, and draining on SIGTERM.
 */
describe('the built server', () => {
  let dataDir: string;
  beforeAll(async () => {
    // Incremental: after the first build this takes a second or two.
    await buildServer();
    dataDir = await mkdtemp(join(tmpdir(), 'stride-built-'));
  }, 120_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the whole store in one process, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const store = startBuiltProcess(
      'main-all',
      { PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', AMQP_URL: '' },
      'store ready',
    );
    await store.ready;
    const listing = await fetch(`http://127.0.0.1:${port}/api/v1/products?limit=1`);
    expect(listing.status).toBe(200);
    expect(await stopped(store)).toBe(0);
    expect(store.output()).toContain('shutting down');
  });

  it('runs the local payment gateway on its own, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const gateway = startBuiltProcess(
      'gateway/main',
      {
        GATEWAY_PORT: String(port),
        DATA_DIR: dataDir,
        PAYMENT_GATEWAY_KEY: 'built-test-gateway-key-0123456789',
        PAYMENT_WEBHOOK_SECRET: 'built-test-webhook-secret-012345',
        PAYMENT_WEBHOOK_URL: 'http://127.0.0.1:9/no-store',
      },
      'payment gateway ready',
    );
    await gateway.ready;
    const page = await fetch(`http://127.0.0.1:${port}/gateway/pay/pi_unknown_secret_x`);
    expect(page.status).toBe(404);
    expect(await stopped(gateway)).toBe(0);
  });

  it.runIf(servicesConfigured)(
    'runs the API and the worker as separate processes on the real services',
    async () => {
      const database = await createTestDatabase(env.DATABASE_URL as string);
      const port = await freePort();
      try {
        const common = {
          DATABASE_URL: database.url,
          REDIS_URL: env.REDIS_URL as string,
          AMQP_URL: env.AMQP_URL as string,
          AMQP_NAMESPACE: `built_${port}`,
          JWT_SECRET: testJwtSecret,
        };
        const api = startBuiltProcess('main-api', { ...common, PORT: String(port) }, 'store ready');
        await api.ready;
        const worker = startBuiltProcess('main-worker', common, 'worker started');
        await worker.ready;
        expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
        expect(await stopped(worker)).toBe(0);
        expect(await stopped(api)).toBe(0);
      } finally {
        await deleteNamespace(env.AMQP_URL as string, `built_${port}`).catch(() => {});
        await database.drop();
      }
    },
  );
});
