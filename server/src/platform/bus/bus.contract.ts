import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import type { DeliveryAttempt, EventEnvelope, MessageBus } from './port.js';

const uid = () => randomUUID().slice(0, 8);

export function envelope<T>(type: string, data: T): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), data };
}

/** Polls `check` (every 10 ms unless told) until it holds: no fixed wait, however fast or slow the backend. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A promise the test resolves when it chooses: a handler's work that ends on cue, not after a delay. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Publishes a marker of `type` and waits until `seen` tells it arrived. A queue delivers in order,
 * so once the marker is in, whatever was published before it (and any copy the routing made of it)
 * has been delivered too: nothing is still on its way when the test counts.
 */
export async function passMarker(
  bus: MessageBus,
  type: string,
  seen: (id: string) => boolean,
): Promise<string> {
  const marker = envelope(type, { marker: true });
  await bus.publish(marker);
  await waitFor(() => seen(marker.id), 10_000, 'the marker');
  return marker.id;
}

const FAST = { retryDelayMs: 50 };

const isMarker = (event: EventEnvelope) =>
  (event.data as { marker?: boolean } | null)?.marker === true;
const withoutMarkers = (events: EventEnvelope[]) => events.filter((e) => !isMarker(e));

/**
 * Behaviour every MessageBus adapter must share. Consumer names and event types are unique per
 * test, so test files sharing one broker (and these concurrent tests) cannot see each other's messages.
 */
export function busContract(name: string, make: () => Promise<MessageBus>): void {
  describe.concurrent(`MessageBus contract: ${name}`, () => {
    // Per-test cleanup through the test context: a shared afterEach would close buses of tests
    // still running concurrently.
    const newBus = async (ctx: TestContext) => {
      const bus = await make();
      ctx.onTestFinished(() => bus.close());
      return bus;
    };

    it('delivers the envelope unchanged, never inside publish()', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `created_${uid()}`;
      const got: EventEnvelope[] = [];
      await bus.subscribe(`c_${uid()}`, [type], async (e) => void got.push(e));
      const event = envelope(type, {
        n: 1,
        s: 'ünï ✓ 🚀',
        list: [1, 'two', null],
        nested: { ok: true },
      });
      const publishing = bus.publish(event);
      expect(got).toHaveLength(0);
      await publishing;
      await waitFor(() => got.length === 1, 10_000, 'delivery');
      expect(got[0]).toEqual(event);
      await passMarker(bus, type, (id) => got.some((e) => e.id === id));
      expect(withoutMarkers(got)).toHaveLength(1);
    });

    it('delivers to every consumer, each only the types it subscribed to', async (ctx) => {
      const bus = await newBus(ctx);
      const [t1, t2] = [`a_${uid()}`, `b_${uid()}`];
      const one: EventEnvelope[] = [];
      const both: EventEnvelope[] = [];
      await bus.subscribe(`one_${uid()}`, [t1], async (e) => void one.push(e));
      await bus.subscribe(`both_${uid()}`, [t1, t2], async (e) => void both.push(e));
      await bus.publish(envelope(t2, {}));
      await bus.publish(envelope(t1, {}));
      await bus.publish(envelope(`unbound_${uid()}`, {}));
      await waitFor(() => one.length >= 1 && both.length >= 2, 10_000, 'both consumers');
      const has = (list: EventEnvelope[], id: string) => list.some((e) => e.id === id);
      await passMarker(bus, t1, (id) => has(one, id) && has(both, id));
      expect(withoutMarkers(one).map((e) => e.type)).toEqual([t1]);
      expect(
        withoutMarkers(both)
          .map((e) => e.type)
          .sort(),
      ).toEqual([t1, t2].sort());
    });

    it('splits messages between subscriptions sharing a consumer name', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `split_${uid()}`;
      const consumer = `shared_${uid()}`;
      const seen: string[][] = [[], []];
      // Handlers hold their messages until all 20 are out: one subscription's prefetch cannot take
      // them all, so each must be handed some.
      const work = gate();
      for (const i of [0, 1]) {
        await bus.subscribe(consumer, [type], async (e) => {
          seen[i]!.push(e.id);
          await work.opened;
        });
      }
      const events = Array.from({ length: 20 }, (_, n) => envelope(type, { n }));
      for (const e of events) await bus.publish(e);
      await waitFor(() => seen[0]!.length + seen[1]!.length >= 20, 10_000, '20 deliveries');
      work.open();
      const marker = await passMarker(bus, type, (id) => seen.some((ids) => ids.includes(id)));
      const all = [...seen[0]!, ...seen[1]!].filter((id) => id !== marker);
      expect(all).toHaveLength(20);
      expect(new Set(all)).toEqual(new Set(events.map((e) => e.id)));
      expect(seen[0]!.length).toBeGreaterThan(0);
      expect(seen[1]!.length).toBeGreaterThan(0);
    });

    it('retries a failing handler with growing delay until it succeeds', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `flaky_${uid()}`;
      const consumer = `flaky_${uid()}`;
      const calls: number[] = [];
      const tries: DeliveryAttempt[] = [];
      const markers: string[] = [];
      await bus.subscribe(
        consumer,
        [type],
        async (event, delivery) => {
          if (isMarker(event)) return void markers.push(event.id);
          calls.push(Date.now());
          tries.push(delivery);
          if (calls.length <= 2) throw new Error(`boom ${calls.length}`);
        },
        { maxAttempts: 5, ...FAST },
      );
      const event = envelope(type, { x: 1 });
      await bus.publish(event);
      await waitFor(() => calls.length >= 3, 10_000, 'third attempt');
      await passMarker(bus, type, (id) => markers.includes(id));
      expect(calls).toHaveLength(3);
      // Delays 50ms then 100ms; a small allowance for timer granularity.
      expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(40);
      expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(90);
      // Each try is told which it is.
      expect(tries).toEqual([1, 2, 3].map((attempt) => ({ attempt, maxAttempts: 5 })));
      expect(await bus.deadLetters(consumer)).toEqual([]);
    });

    it('dead-letters a message after maxAttempts with the envelope intact', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `poison_${uid()}`;
      const consumer = `poison_${uid()}`;
      const bystander = `bystander_${uid()}`;
      let calls = 0;
      const markers: string[] = [];
      await bus.subscribe(
        consumer,
        [type],
        async (event) => {
          if (isMarker(event)) return void markers.push(event.id);
          calls++;
          throw new Error('always');
        },
        { maxAttempts: 3, ...FAST },
      );
      await bus.subscribe(bystander, [type], async () => {});
      const told: [string, EventEnvelope, string][] = [];
      bus.onDeadLetter((name, dead, error) => void told.push([name, dead, error]));
      const event = envelope(type, { sku: 'X-1', qty: 2, note: 'ß' });
      await bus.publish(event);

      let dead: EventEnvelope[] = [];
      const deadLettered = async () => (dead = await bus.deadLetters(consumer)).length > 0;
      await waitFor(deadLettered, 10_000, 'the dead letter', 50);
      expect(dead).toEqual([event]);
      await passMarker(bus, type, (id) => markers.includes(id));
      expect(calls).toBe(3);
      // Listeners hear of it once, with the consumer and the last error.
      expect(told).toEqual([[consumer, event, 'always']]);
      // Listing is non-destructive and per consumer.
      expect(await bus.deadLetters(consumer)).toEqual([event]);
      expect(await bus.deadLetters(bystander)).toEqual([]);
      expect(await bus.deadLetters(`never_${uid()}`)).toEqual([]);
    });

    it('with maxAttempts 1 dead-letters on the first failure', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `once_${uid()}`;
      const consumer = `once_${uid()}`;
      let calls = 0;
      await bus.subscribe(
        consumer,
        [type],
        async () => {
          calls++;
          throw new Error('no retries');
        },
        { maxAttempts: 1, ...FAST },
      );
      const event = envelope(type, {});
      await bus.publish(event);
      await waitFor(() => calls === 1, 10_000, 'first attempt');
      const deadLettered = async () => (await bus.deadLetters(consumer)).length > 0;
      await waitFor(deadLettered, 10_000, 'the dead letter', 50);
      expect(await bus.deadLetters(consumer)).toEqual([event]);
      expect(calls).toBe(1);
    });

    it('delivers 200 concurrent publishes exactly once each', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `bulk_${uid()}`;
      const counts = new Map<string, number>();
      await bus.subscribe(`bulk_${uid()}`, [type], async (e) => {
        counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      });
      const events = Array.from({ length: 200 }, (_, n) => envelope(type, { n }));
      await Promise.all(events.map((e) => bus.publish(e)));
      await waitFor(() => counts.size >= 200, 20_000, '200 deliveries');
      const marker = await passMarker(bus, type, (id) => counts.has(id));
      counts.delete(marker);
      expect(counts.size).toBe(200);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      expect(new Set(counts.keys())).toEqual(new Set(events.map((e) => e.id)));
    });

    it('keeps messages for a consumer while it is not subscribed', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `later_${uid()}`;
      const consumer = `later_${uid()}`;
      const first = await bus.subscribe(consumer, [type], async () => {});
      await first.close();
      const event = envelope(type, { kept: true });
      await bus.publish(event);
      const got: EventEnvelope[] = [];
      await bus.subscribe(consumer, [type], async (e) => void got.push(e));
      await waitFor(() => got.length === 1, 10_000, 'backlog delivery');
      expect(got[0]).toEqual(event);
    });

    it('subscription.close() waits for in-flight handlers and stops delivery', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `slow_${uid()}`;
      const consumer = `slow_${uid()}`;
      let started = 0;
      let finished = 0;
      const work = gate();
      const sub = await bus.subscribe(consumer, [type], async () => {
        started++;
        await work.opened;
        finished++;
      });
      await bus.publish(envelope(type, {}));
      await waitFor(() => started === 1, 10_000, 'handler start');
      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      // A round trip to the backend: time for close() to be done, were it not waiting.
      await bus.ping();
      expect(closed).toBe(false);
      work.open();
      await closing;
      expect(finished).toBe(1);
      // The next message waits in the queue for the next subscription, not the closed one.
      const next = envelope(type, {});
      await bus.publish(next);
      const got: string[] = [];
      await bus.subscribe(consumer, [type], async (e) => void got.push(e.id));
      await waitFor(() => got.includes(next.id), 10_000, 'delivery to the new subscription');
      expect(started).toBe(1);
    });

    it('close() waits for in-flight handlers', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `closing_${uid()}`;
      let started = false;
      let finished = false;
      const work = gate();
      await bus.subscribe(`closing_${uid()}`, [type], async () => {
        started = true;
        await work.opened;
        finished = true;
      });
      await bus.publish(envelope(type, {}));
      await waitFor(() => started, 10_000, 'handler start');
      let closed = false;
      const closing = bus.close().then(() => (closed = true));
      // A round trip to the backend (through another connection): time for close() to be done,
      // were it not waiting.
      await (await newBus(ctx)).ping();
      expect(closed).toBe(false);
      work.open();
      await closing;
      expect(finished).toBe(true);
    });

    it('ping resolves while the backend is up', async (ctx) => {
      const bus = await newBus(ctx);
      await expect(bus.ping()).resolves.toBeUndefined();
    });
  });
}
