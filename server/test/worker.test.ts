import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../src/platform/bus/events.js';
import { writeEvent } from '../src/platform/bus/outbox.js';
import { inventoryUpdated } from '../src/modules/inventory/index.js';
import { startWorker } from '../src/worker.js';
import {
  describeEachBackend,
  createTestStore,
  eventually,
  silentLogger,
  type TestStore,
} from './harness.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/index.js';

const relayTestEvent = defineEvent('relay_test_event', 1, z.object({ i: z.number() }));

describeEachBackend('outbox relay and catalog consumer on %s backends', (backend) => {
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
    const id = await store.adapters.database.db.transaction((tx) =>
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
    // The relay marks the row published once the broker confirms it, which can be a moment after
    // a consumer has acted on it; then it stays published, once.
    const row = async () =>
      (
        await queryRows<{ published: boolean; attempts: number }>(
          store.adapters.database.db,
          sql`SELECT published_at IS NOT NULL AS published, attempts FROM outbox WHERE id = ${id}::uuid`,
        )
      )[0];
    await eventually(async () => (await row())?.published === true);
    expect(await row()).toEqual({ published: true, attempts: 1 });
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
    await worker.relay.start();
  });

  it('is woken by a committed event, not by its poll', async () => {
    // A relay that would poll only once a minute: a quick delivery proves the NOTIFY woke it.
    await worker.relay.stop();
    const { createOutboxRelay } = await import('../src/platform/bus/outbox.js');
    const relay = createOutboxRelay({
      db: store.adapters.database.db,
      bus: store.adapters.bus,
      logger: silentLogger,
      pollMs: 60_000,
      listen: (onNotify) => store.adapters.database.listen('outbox', onNotify),
    });
    const seen: number[] = [];
    const subscription = await store.adapters.bus.subscribe(
      'relay-notify-test',
      [relayTestEvent.name],
      async (event) => void seen.push((event.data as { i: number }).i),
    );
    await relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // past the first, immediate drain
      const started = Date.now();
      await store.adapters.database.db.transaction((tx) =>
        writeEvent(tx, relayTestEvent, { i: 4242 }),
      );
      await eventually(async () => seen.includes(4242), 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await relay.stop();
      await subscription.close();
      await worker.relay.start();
    }
  });

  it('keeps relaying past a row that cannot be published, and marks it failed after its last try', async () => {
    await worker.relay.stop();
    const db = store.adapters.database.db;
    const { createOutboxRelay } = await import('../src/platform/bus/outbox.js');
    const poison = await db.transaction((tx) => writeEvent(tx, relayTestEvent, { i: -1 }));
    await db.transaction(async (tx) => {
      for (let i = 100; i < 110; i++) await writeEvent(tx, relayTestEvent, { i });
    });
    // A broker that refuses that one message, as one refusing an oversized or malformed one would.
    const refusing = {
      ...store.adapters.bus,
      publish: (event: Parameters<typeof store.adapters.bus.publish>[0]) =>
        event.id === poison
          ? Promise.reject(new Error('refused by the broker'))
          : store.adapters.bus.publish(event),
    };
    const relay = createOutboxRelay({
      db,
      bus: refusing,
      logger: silentLogger,
      maxAttempts: 3,
      backoffMs: () => 20,
    });
    for (let pass = 0; pass < 10; pass++) {
      await relay.drain();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const rows = await queryRows<{
      i: number;
      published: boolean;
      failed: boolean;
      attempts: number;
    }>(
      db,
      sql`SELECT (payload->>'i')::int AS i, published_at IS NOT NULL AS published,
                 failed_at IS NOT NULL AS failed, attempts
          FROM outbox WHERE type = ${relayTestEvent.name} AND (payload->>'i')::int >= -1
            AND (payload->>'i')::int < 110 AND (payload->>'i')::int NOT BETWEEN 0 AND 99`,
    );
    const bad = rows.find((r) => r.i === -1);
    expect(bad).toMatchObject({ published: false, failed: true, attempts: 3 });
    expect(rows.filter((r) => r.i >= 100).every((r) => r.published && !r.failed)).toBe(true);
    expect(rows.filter((r) => r.i >= 100)).toHaveLength(10);
    await worker.relay.start();
  });
});
