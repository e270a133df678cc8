import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { consume } from '../../platform/bus/consumer.js';
import { defineEvent } from '../../platform/bus/events.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import type { Subscription } from '../../platform/bus/port.js';
import { queryRows } from '../../platform/db/index.js';
import {
  describeEachBackend,
  createTestStore,
  eventually,
  silentLogger,
  type TestStore,
} from '../../../test/harness.js';
import { startWorker } from '../../worker.js';
import { ensureAdmin } from '../accounts/index.js';

const probeEvent = defineEvent('admin_events_probe', 1, z.object({ n: z.number().int() }));

describeEachBackend('the outbox for operators on %s backends', (backend) => {
  let store: TestStore;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let admin: Record<string, string>;
  let customer: Record<string, string>;
  let applied: number[];
  let subscription: Subscription;

  beforeAll(async () => {
    store = await createTestStore(backend);
    const email = `ops-${randomBytes(4).toString('hex')}@stride.test`;
    await ensureAdmin(store.adapters.database.db, email, 'operator password 2026');
    const login = await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'operator password 2026' },
    });
    admin = { authorization: `Bearer ${login.json().accessToken}` };
    const registered = await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        email: `c-${randomBytes(4).toString('hex')}@example.com`,
        password: 'correct horse battery staple',
        firstName: 'C',
        lastName: 'D',
      },
    });
    customer = { authorization: `Bearer ${registered.json().accessToken}` };
    // A consumer with an inbox: the effect is counted per message id.
    applied = [];
    subscription = await consume(
      store.adapters.bus,
      {
        name: `ops-probe-${randomBytes(3).toString('hex')}`,
        events: [probeEvent],
        inbox: store.adapters.database.db,
      },
      async ({ data }) => void applied.push(data.n),
    );
    worker = await startWorker({
      config: store.config,
      adapters: store.adapters,
      services: store.services,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await subscription?.close();
    await worker?.stop();
    await store?.close();
  });

  const get = (url: string, headers = admin) =>
    store.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

  it('lists events by type and state, and replays one that consumers then apply once', async () => {
    const db = store.adapters.database.db;
    const id = await db.transaction((tx) => writeEvent(tx, probeEvent, { n: 7 }));
    await eventually(async () => applied.includes(7));
    // The relay marks a row published after the broker confirms it, which can be after a
    // consumer has already applied it.
    let listed = { items: [] as unknown[] };
    await eventually(async () => {
      listed = (await get(`/admin/events?type=${probeEvent.name}&state=published`)).json();
      return listed.items.length > 0;
    });
    expect(listed.items).toEqual([
      expect.objectContaining({ id, type: probeEvent.name, state: 'published', data: { n: 7 } }),
    ]);
    expect((await get(`/admin/events?type=${probeEvent.name}&state=pending`)).json().items).toEqual(
      [],
    );

    // Replayed: published again with its own id; the inbox keeps the effect from happening twice.
    const replay = await store.app.inject({
      method: 'POST',
      url: `/api/v1/admin/events/${id}/replay`,
      headers: admin,
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id, state: 'pending', attempts: 0 });
    await eventually(async () => {
      const [row] = await queryRows<{ published: boolean }>(
        db,
        sql`SELECT published_at IS NOT NULL AS published FROM outbox WHERE id = ${id}::uuid`,
      );
      return row?.published === true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(applied.filter((n) => n === 7)).toHaveLength(1);
  });

  it('applies a replayed event that a consumer never applied', async () => {
    const db = store.adapters.database.db;
    // As if the consumer had dead-lettered it: the inbox has no record of it, and it was published.
    const id = await db.transaction((tx) => writeEvent(tx, probeEvent, { n: 8 }));
    await eventually(async () => applied.includes(8));
    // The handler runs inside the consumer's transaction: wait for its inbox row to be committed,
    // or the delete below finds nothing and the replay is skipped as a duplicate.
    await eventually(async () => {
      const rows = await queryRows(db, sql`SELECT 1 FROM inbox WHERE message_id = ${id}::uuid`);
      return rows.length === 1;
    });
    await db.execute(sql`DELETE FROM inbox WHERE message_id = ${id}::uuid`);
    applied.splice(applied.indexOf(8), 1);
    await store.app.inject({
      method: 'POST',
      url: `/api/v1/admin/events/${id}/replay`,
      headers: admin,
    });
    await eventually(async () => applied.includes(8));
    expect(applied.filter((n) => n === 8)).toHaveLength(1);
  });

  it('shows failed events, and keeps them to administrators', async () => {
    const db = store.adapters.database.db;
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO outbox (type, version, payload, failed_at, attempts, last_error)
          VALUES (${probeEvent.name}, 1, '{"n": 9}', now(), 10, 'broker refused it') RETURNING id`,
    );
    const failed = (await get(`/admin/events?state=failed`)).json();
    expect(failed.items).toContainEqual(
      expect.objectContaining({ id: row?.id, state: 'failed', lastError: 'broker refused it' }),
    );
    expect((await get('/admin/events', customer)).statusCode).toBe(403);
    expect((await get('/admin/events', {})).statusCode).toBe(401);
    expect((await get('/admin/events?state=lost')).statusCode).toBe(400);
    expect(
      (
        await store.app.inject({
          method: 'POST',
          url: `/api/v1/admin/events/00000000-0000-7000-8000-000000000000/replay`,
          headers: admin,
        })
      ).statusCode,
    ).toBe(404);
    await db.execute(sql`DELETE FROM outbox WHERE id = ${row?.id}::uuid`);
  });

  it('reports the backlog in /metrics and a stalled relay on /ready without leaving rotation', async () => {
    const metrics = await store.app.inject('/metrics');
    expect(metrics.body).toMatch(/^outbox_backlog \d+$/m);
    expect(metrics.body).toMatch(/^outbox_oldest_due_seconds [\d.e+-]+$/m);
    expect(metrics.body).toMatch(/^outbox_failed \d+$/m);
    expect((await store.app.inject('/ready')).json()).toMatchObject({
      status: 'ready',
      checks: { relay: 'up' },
    });
    await worker.relay.stop();
    const db = store.adapters.database.db;
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO outbox (type, version, payload, occurred_at, next_attempt_at)
          VALUES (${probeEvent.name}, 1, '{"n": 10}', now() - interval '5 minutes', now() - interval '5 minutes')
          RETURNING id`,
    );
    const ready = await store.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { relay: 'degraded' } });
    await worker.relay.start();
    await eventually(async () => applied.includes(10));
    // Up again once the relay has marked the stalled row published, a moment after it was applied.
    await eventually(async () => (await store.app.inject('/ready')).json().checks?.relay === 'up');
    expect(row?.id).toBeDefined();
  });

  it('records what a consumer gave up on, lists it, and a replay applies it once', async () => {
    const db = store.adapters.database.db;
    const consumer = `ops-flaky-${randomBytes(3).toString('hex')}`;
    let broken = true;
    const done: number[] = [];
    const flaky = await consume(
      store.adapters.bus,
      { name: consumer, events: [probeEvent], inbox: db, maxAttempts: 2, retryDelayMs: 20 },
      async ({ data }) => {
        if (broken) throw new Error('the mail server is down');
        done.push(data.n);
      },
    );
    try {
      const id = await db.transaction((tx) => writeEvent(tx, probeEvent, { n: 11 }));
      const listed = async () =>
        (await get(`/admin/events/dead-letters?consumer=${consumer}`)).json() as {
          items: { eventId: string; error: string; data: unknown }[];
        };
      await eventually(async () => (await listed()).items.length === 1);
      expect((await listed()).items[0]).toMatchObject({
        eventId: id,
        error: 'the mail server is down',
        data: { n: 11 },
      });
      expect(done).toEqual([]);

      broken = false;
      const replay = await store.app.inject({
        method: 'POST',
        url: `/api/v1/admin/events/${id}/replay`,
        headers: admin,
      });
      expect(replay.statusCode).toBe(200);
      await eventually(async () => done.includes(11));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toEqual([11]);
      expect(applied.filter((n) => n === 11)).toHaveLength(1);
      expect((await listed()).items).toEqual([]);
      expect((await get('/admin/events/dead-letters?cursor=nonsense')).statusCode).toBe(400);
      expect((await get('/admin/events/dead-letters', customer)).statusCode).toBe(403);
    } finally {
      await flaky.close();
    }
  });
});
