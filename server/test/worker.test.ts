import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../src/platform/bus/events.js';
import { writeEvent } from '../src/platform/bus/outbox.js';
import { inventoryUpdated } from '../src/modules/inventory/events.js';
import { startWorker } from '../src/worker.js';
import { backends, createTestStore, eventually, silentLogger, type TestStore } from './harness.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/index.js';

const relayTestEvent = defineEvent('relay_test_event', 1, z.object({ i: z.number() }));

describe.each(backends())('outbox relay and catalog consumer on %s backends', (backend) => {
  let store: TestStore;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    store = await createTestStore(backend);
    worker = await startWorker({
      config: store.config,
      adapters: store.adapters,
      services: store.services,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await store?.close();
  });

  it('publishes outbox rows once and retires the cached catalog on inventory_update', async () => {
    const url = '/api/v1/products?gender=women&limit=5';
    await store.app.inject(url);
    expect((await store.app.inject(url)).headers['x-cache']).toBe('hit');

    // As if another process changed stock: only the event tells this one.
    await store.adapters.database.db.transaction((tx) =>
      writeEvent(tx, inventoryUpdated, {
        reason: 'adjusted',
        items: [
          {
            variantId: '00000000-0000-7000-8000-000000000000',
            onHand: 1,
            reserved: 0,
            available: 1,
          },
        ],
      }),
    );

    await eventually(async () => (await store.app.inject(url)).headers['x-cache'] === 'miss');
    const pending = await queryRows<{ n: number }>(
      store.adapters.database.db,
      sql`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect(pending[0]?.n).toBe(0);
  });

  it('never publishes a row twice when two relays run at once', async () => {
    await worker.relay.stop();
    const db = store.adapters.database.db;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await writeEvent(tx, relayTestEvent, { i });
    });
    const seen: string[] = [];
    const subscription = await store.adapters.bus.subscribe(
      'relay-test',
      [relayTestEvent.name],
      async (event) => {
        seen.push(event.id);
      },
    );
    const { createOutboxRelay } = await import('../src/platform/bus/outbox.js');
    const relays = [1, 2].map(() =>
      createOutboxRelay({ db, bus: store.adapters.bus, logger: silentLogger, batchSize: 7 }),
    );
    const sent = await Promise.all(relays.map((relay) => relay.drain()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(50);
    await eventually(async () => seen.length >= 50);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    await subscription.close();
    worker.relay.start();
  });
});
