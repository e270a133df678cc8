import { describe, expect, it } from 'vitest';
import { serveMetrics } from '../src/platform/metrics.js';
import { createTestStore, freePort } from './harness.js';

const token = 'metrics-token-0123456789abcdef';

/** `/metrics` shows memory, CPU and per-route traffic: for operators only. */
describe('who may read /metrics', () => {
  it('asks for METRICS_TOKEN as a bearer token when it is set', async () => {
    const store = await createTestStore('embedded', { METRICS_TOKEN: token });
    try {
      const anonymous = await store.app.inject('/metrics');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toContain('application/problem+json');
      const wrong = await store.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.statusCode).toBe(401);
      const right = await store.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('process_cpu_user_seconds_total');
    } finally {
      await store.close();
    }
  });

  it('is not served on the public port in production without a token', async () => {
    const store = await createTestStore('embedded', {
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://shop.example.com',
      PAYMENT_TEST_MODE: 'true',
      ADMIN_EMAIL: 'ops@stride.test',
      ADMIN_PASSWORD: 'a long admin password',
    });
    try {
      const response = await store.app.inject('/metrics');
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('process_cpu');
      // It is there for a scraper on the same host, on METRICS_PORT bound to 127.0.0.1.
      const port = await freePort();
      const local = await serveMetrics(() => store.app.scrapeMetrics(), port);
      try {
        const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(scraped.status).toBe(200);
        expect(await scraped.text()).toContain('process_cpu_user_seconds_total');
      } finally {
        await local.close();
      }
    } finally {
      await store.close();
    }
  });
});
