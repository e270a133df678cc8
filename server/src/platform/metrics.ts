import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry, for modules that publish metrics of their own. */
    metricsRegistry: Registry;
    /** Serve another registry's metrics on `/metrics` too (the worker's, when it shares the process). */
    exposeMetrics(registry: Registry): void;
  }
}

export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.decorate('metricsRegistry', metrics.registry);
  const others: Registry[] = [];
  app.decorate('exposeMetrics', (registry: Registry) => void others.push(registry));
  // One labelled child per route and status, looked up once rather than hashed on every request.
  const series = new Map<string, { observe(value: number): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL: one series per route, not one per product slug.
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = series.get(key);
    if (!child) {
      child = metrics.httpDuration.labels(request.method, route, String(reply.statusCode));
      series.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      const parts = await Promise.all([metrics.registry, ...others].map((r) => r.metrics()));
      return parts.join('\n');
    },
  );
}
