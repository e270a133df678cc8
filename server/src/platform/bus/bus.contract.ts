import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import type { DeliveryAttempt, EventEnvelope, MessageBus } from './port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uid = () => randomUUID().slice(0, 8);

export function envelope<T>(type: string, data: T): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), data };
}

export async function waitFor(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const FAST = { retryDelayMs: 50 };

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
      await sleep(150);
      expect(got).toHaveLength(1);
    });

    it('delivers to every consumer, each only the types it subscribed to', async (ctx) => {
      const bus = await newBus(ctx);
      const [t1, t2] = [`a_${uid()}`, `b_${uid()}`];
      const one: string[] = [];
      const both: string[] = [];
      await bus.subscribe(`one_${uid()}`, [t1], async (e) => void one.push(e.type));
      await bus.subscribe(`both_${uid()}`, [t1, t2], async (e) => void both.push(e.type));
      await bus.publish(envelope(t2, {}));
      await bus.publish(envelope(t1, {}));
      await bus.publish(envelope(`unbound_${uid()}`, {}));
      await waitFor(() => one.length >= 1 && both.length >= 2, 10_000, 'both consumers');
      await sleep(200);
      expect(one).toEqual([t1]);
      expect(both.sort()).toEqual([t1, t2].sort());
    });

    it('splits messages between subscriptions sharing a consumer name', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `split_${uid()}`;
      const consumer = `shared_${uid()}`;
      const seen: string[][] = [[], []];
      for (const i of [0, 1]) {
        await bus.subscribe(consumer, [type], async (e) => {
          seen[i]!.push(e.id);
          await sleep(20);
        });
      }
      const events = Array.from({ length: 20 }, (_, n) => envelope(type, { n }));
      for (const e of events) await bus.publish(e);
      await waitFor(() => seen[0]!.length + seen[1]!.length >= 20, 10_000, '20 deliveries');
      await sleep(200);
      const all = [...seen[0]!, ...seen[1]!];
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
      await bus.subscribe(
        consumer,
        [type],
        async (_event, delivery) => {
          calls.push(Date.now());
          tries.push(delivery);
          if (calls.length <= 2) throw new Error(`boom ${calls.length}`);
        },
        { maxAttempts: 5, ...FAST },
      );
      const event = envelope(type, { x: 1 });
      await bus.publish(event);
      await waitFor(() => calls.length >= 3, 10_000, 'third attempt');
      await sleep(500);
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
      await bus.subscribe(
        consumer,
        [type],
        async () => {
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
      const deadline = Date.now() + 10_000;
      while (dead.length === 0 && Date.now() < deadline) {
        await sleep(50);
        dead = await bus.deadLetters(consumer);
      }
      expect(dead).toEqual([event]);
      await sleep(400);
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
      const deadline = Date.now() + 10_000;
      while ((await bus.deadLetters(consumer)).length === 0 && Date.now() < deadline)
        await sleep(50);
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
      await sleep(300);
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
      let started = 0;
      let finished = 0;
      const sub = await bus.subscribe(`slow_${uid()}`, [type], async () => {
        started++;
        await sleep(300);
        finished++;
      });
      await bus.publish(envelope(type, {}));
      await waitFor(() => started === 1, 10_000, 'handler start');
      await sub.close();
      expect(finished).toBe(1);
      await bus.publish(envelope(type, {}));
      await sleep(300);
      expect(started).toBe(1);
    });

    it('close() waits for in-flight handlers', async (ctx) => {
      const bus = await newBus(ctx);
      const type = `closing_${uid()}`;
      let started = false;
      let finished = false;
      await bus.subscribe(`closing_${uid()}`, [type], async () => {
        started = true;
        await sleep(300);
        finished = true;
      });
      await bus.publish(envelope(type, {}));
      await waitFor(() => started, 10_000, 'handler start');
      await bus.close();
      expect(finished).toBe(true);
    });

    it('ping resolves while the backend is up', async (ctx) => {
      const bus = await newBus(ctx);
      await expect(bus.ping()).resolves.toBeUndefined();
    });
  });
}
