import type { Registry } from 'prom-client';

/**
 * The HTTP request-duration histogram (`http_request_duration_seconds`), counted here rather than
 * by prom-client's Histogram: that one hashes its labels on every observation, which cost a
 * twentieth of a cached catalog answer's CPU. Each series (method, route, status) is found once by
 * its key, then an observation is a bucket increment. prom-client's registry still writes it out:
 * it asks each registered metric for its values in its own format (`get()`).
 */
const name = 'http_request_duration_seconds';
const help = 'HTTP request latency by route';
const bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface DurationSeries {
  labels: { method: string; route: string; status_code: string };
  /** Observations per bucket (not cumulative; the last slot is above every bound). */
  counts: Float64Array;
  sum: number;
  count: number;
}

export function createRequestDurations(registry: Registry) {
  const series = new Map<string, DurationSeries>();

  function values() {
    return [...series.values()].flatMap((s) => {
      let cumulative = 0;
      return [
        ...bounds.map((le, i) => {
          cumulative += s.counts[i]!;
          return { labels: { ...s.labels, le }, value: cumulative, metricName: `${name}_bucket` };
        }),
        { labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${name}_bucket` },
        { labels: s.labels, value: s.sum, metricName: `${name}_sum` },
        { labels: s.labels, value: s.count, metricName: `${name}_count` },
      ];
    });
  }

  registry.registerMetric({
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }),
  } as unknown as Parameters<Registry['registerMetric']>[0]);

  return {
    observe(method: string, route: string, status: number, seconds: number): void {
      const key = `${method} ${status} ${route}`;
      let s = series.get(key);
      if (!s) {
        s = {
          labels: { method, route, status_code: String(status) },
          counts: new Float64Array(bounds.length + 1),
          sum: 0,
          count: 0,
        };
        series.set(key, s);
      }
      let bucket = 0;
      while (bucket < bounds.length && seconds > bounds[bucket]!) bucket++;
      s.counts[bucket]!++;
      s.sum += seconds;
      s.count++;
    },
  };
}

export type RequestDurations = ReturnType<typeof createRequestDurations>;
