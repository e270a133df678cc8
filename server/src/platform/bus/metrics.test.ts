import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import { envelope, waitFor } from './bus.contract.js';
import { createMemoryBus } from './memory.js';
import { createBusMetrics, instrumentBus } from './metrics.js';

/** One sample, by its full name (histograms' `_count` and `_sum` included) and labels. */
const value = async (registry: Registry, name: string, labels: Record<string, string>) => {
  for (const metric of await registry.getMetricsAsJSON()) {
    const values = metric.values as {
      labels: Record<string, string | number>;
      value: number;
      metricName?: string;
    }[];
    const sample = values.find(
      (v) =>
        (v.metricName ?? metric.name) === name &&
        Object.entries(labels).every(([key, label]) => v.labels[key] === label),
    );
    if (sample) return sample.value;
  }
  return 0;
};

describe('consumer metrics', () => {
  it('count successes, failures, retries and dead letters per consumer', async () => {
    const registry = new Registry();
    const raw = createMemoryBus({ onError: () => {} });
    const bus = instrumentBus(raw, createBusMetrics(registry));
    let flakyCalls = 0;
    await bus.subscribe(
      'flaky',
      ['thing_happened'],
      async () => {
        if (++flakyCalls <= 2) throw new Error('not yet');
      },
      { maxAttempts: 3, retryDelayMs: 10 },
    );
    await bus.subscribe(
      'broken',
      ['thing_happened'],
      async () => {
        throw new Error('never');
      },
      { maxAttempts: 2, retryDelayMs: 10 },
    );
    await bus.publish(envelope('thing_happened', {}));
    await eventually(async () => (await raw.deadLetters('broken')).length === 1, 5_000);
    await waitFor(() => flakyCalls === 3, 5_000, 'third try');
    await eventually(
      async () =>
        (await value(registry, 'bus_consumer_messages_total', {
          consumer: 'flaky',
          outcome: 'success',
        })) === 1,
      5_000,
    );

    const of = (name: string, labels: Record<string, string>) => value(registry, name, labels);
    expect(await of('bus_consumer_messages_total', { consumer: 'flaky', outcome: 'failure' })).toBe(
      2,
    );
    expect(await of('bus_consumer_retries_total', { consumer: 'flaky' })).toBe(2);
    expect(await of('bus_consumer_dead_letters_total', { consumer: 'flaky' })).toBe(0);
    expect(
      await of('bus_consumer_messages_total', { consumer: 'broken', outcome: 'failure' }),
    ).toBe(2);
    expect(await of('bus_consumer_retries_total', { consumer: 'broken' })).toBe(1);
    expect(await of('bus_consumer_dead_letters_total', { consumer: 'broken' })).toBe(1);
    expect(await of('bus_consumer_handle_seconds_count', { consumer: 'flaky' })).toBe(3);
    await bus.close();
  });
});
