import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test/process.js';
import { startProxy } from '../../../test/tcp-proxy.js';
import { createAmqpBus, type AmqpBus, type AmqpBusOptions } from './amqp.js';
import { busContract, envelope, passMarker, waitFor } from './bus.contract.js';
import { createMemoryBus } from './memory.js';
import type { EventEnvelope } from './port.js';

const AMQP_URL = process.env.AMQP_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uid = () => randomUUID().slice(0, 8);

const quiet = { onError: () => {} };

busContract('memory', async () => createMemoryBus(quiet));

describe('memory bus', () => {
  it('cancels pending retries on close', async () => {
    // The retry's timer is the test's: it is seen scheduled, then cancelled, and never runs.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const bus = createMemoryBus(quiet);
      let calls = 0;
      await bus.subscribe(
        'c',
        ['t'],
        async () => {
          calls++;
          throw new Error('fail');
        },
        { maxAttempts: 5, retryDelayMs: 100 },
      );
      await bus.publish(envelope('t', {}));
      await vi.waitUntil(() => vi.getTimerCount() === 1, { interval: 5 });
      expect(calls).toBe(1);
      await bus.close();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(10_000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(calls).toBe(1);
      await expect(bus.publish(envelope('t', {}))).rejects.toThrow(/closed/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects wildcard types, which would route differently on RabbitMQ', async () => {
    const bus = createMemoryBus();
    await expect(bus.subscribe('c', ['order.*'], async () => {})).rejects.toThrow();
    await bus.close();
  });
});

// The real-service suites run when the service is configured (CI sets it), and are skipped otherwise.
describe.runIf(AMQP_URL)('amqp', () => {
  const url = AMQP_URL!;
  // A private exchange and queue prefix per run keep parallel runs on one broker apart.
  const run = uid();
  const base: AmqpBusOptions = {
    exchange: `test.events.${run}`,
    queuePrefix: `test.${run}.`,
    ...quiet,
  };
  const made: AmqpBus[] = [];
  const make = async (opts: AmqpBusOptions = {}) => {
    const bus = await createAmqpBus(url, { ...base, ...opts });
    made.push(bus);
    return bus;
  };

  afterAll(async () => {
    await Promise.all(made.map((bus) => bus.close()));
    const conn = await connect(url);
    const ch = await conn.createChannel();
    for (const queue of new Set(made.flatMap((bus) => bus.declaredQueues())))
      await ch.deleteQueue(queue);
    await ch.deleteExchange(base.exchange!);
    await conn.close();
  });

  busContract('amqp', () => make());

  it('declares quorum main queues on RabbitMQ >= 3.8', async () => {
    const bus = await make();
    const consumer = `q_${uid()}`;
    await (await bus.subscribe(consumer, [`t_${uid()}`], async () => {})).close();
    const conn = await connect(url);
    try {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      // Redeclaring as a classic queue must clash if the queue really is a quorum queue.
      await expect(
        ch.assertQueue(`${base.queuePrefix}${consumer}`, { durable: true }),
      ).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await conn.close().catch(() => {});
    }
  });

  it('competes across separate connections with the same consumer name', async () => {
    const [a, b, publisher] = [await make(), await make(), await make()];
    const type = `x_${uid()}`;
    const consumer = `x_${uid()}`;
    const seen = [new Set<string>(), new Set<string>()];
    await a.subscribe(consumer, [type], async (e) => void seen[0]!.add(e.id));
    await b.subscribe(consumer, [type], async (e) => void seen[1]!.add(e.id));
    const events = Array.from({ length: 40 }, () => envelope(type, {}));
    await Promise.all(events.map((e) => publisher.publish(e)));
    await waitFor(() => seen[0]!.size + seen[1]!.size >= 40);
    const marker = await passMarker(publisher, type, (id) => seen.some((ids) => ids.has(id)));
    for (const ids of seen) ids.delete(marker);
    expect(seen[0]!.size + seen[1]!.size).toBe(40);
    expect([...seen[0]!].some((id) => seen[1]!.has(id))).toBe(false);
    expect(seen[0]!.size).toBeGreaterThan(0);
    expect(seen[1]!.size).toBeGreaterThan(0);
  });

  it('fails fast when the broker is unreachable at startup', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(createAmqpBus(`amqp://guest:guest@127.0.0.1:${port}`, base)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports outages promptly, then reconnects and resumes its subscriptions', async () => {
    const target = new URL(url);
    const proxy = await startProxy(target.hostname, Number(target.port || 5672));
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const bus = await make();
    const flaky = await createAmqpBus(viaProxy.toString(), base);
    made.push(flaky);
    try {
      const type = `r_${uid()}`;
      const got: EventEnvelope[] = [];
      await flaky.subscribe(`r_${uid()}`, [type], async (e) => void got.push(e));

      await proxy.cut();
      await sleep(100);
      const started = Date.now();
      await expect(flaky.ping()).rejects.toThrow();
      await expect(flaky.publish(envelope(type, {}))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1500);

      // Published while the subscriber is away: the durable queue must hold it.
      const during = envelope(type, { during: true });
      await bus.publish(during);
      await proxy.restore();
      await waitFor(() => got.some((e) => e.id === during.id), 15_000, 'backlog after reconnect');
      await flaky.ping();
      const after = envelope(type, { after: true });
      await flaky.publish(after);
      await waitFor(() => got.some((e) => e.id === after.id), 10_000, 'delivery after reconnect');
    } finally {
      await flaky.close();
      await proxy.stop();
    }
  });
});
