import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestDurations } from './request-durations.js';

describe('request durations', () => {
  it('writes a Prometheus histogram: cumulative buckets (a value on a bound counts in it), sum and count per series', async () => {
    const registry = new Registry();
    const durations = createRequestDurations(registry);
    for (const seconds of [0.0005, 0.001, 0.004, 3]) {
      durations.observe('GET', '/api/v1/products', 200, seconds);
    }
    durations.observe('POST', '/api/v1/orders', 201, 0.02);
    const text = await registry.metrics();
    const line = (labels: string) =>
      text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds${labels}`));
    const products = 'method="GET",route="/api/v1/products",status_code="200"';
    expect(line(`_bucket{${products},le="0.001"}`)).toMatch(/ 2$/);
    expect(line(`_bucket{${products},le="0.005"}`)).toMatch(/ 3$/);
    expect(line(`_bucket{${products},le="2.5"}`)).toMatch(/ 3$/);
    expect(line(`_bucket{${products},le="+Inf"}`)).toMatch(/ 4$/);
    expect(line(`_count{${products}}`)).toMatch(/ 4$/);
    expect(Number(line(`_sum{${products}}`)?.split(' ')[1])).toBeCloseTo(3.0055, 6);
    expect(line('_count{method="POST",route="/api/v1/orders",status_code="201"}')).toMatch(/ 1$/);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });
});
