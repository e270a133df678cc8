import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Unauthenticated } from './errors.js';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createRequestDurations } from './request-durations.js';

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = createRequestDurations(registry);
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry, for modules that publish metrics of their own. */
    metricsRegistry: Registry;
    /** Serve another registry's metrics on `/metrics` too (the worker's, when it shares the process). */
    exposeMetrics(registry: Registry): void;
    /** Every registry's metrics as Prometheus text. */
    scrapeMetrics(): Promise<string>;
  }
}

export interface MetricsAccess {
  /** Required as a bearer token when set. */
  token?: string | undefined;
  /** Without a token, production does not serve /metrics on the public port at all. */
  production: boolean;
}

/** The metrics of several registries as one text (each metric family appears in one of them). */
const scrape = async (registries: Registry[]) =>
  (await Promise.all(registries.map((r) => r.metrics()))).join('\n');

export function registerMetrics(
  app: FastifyInstance,
  metrics: Metrics,
  access: MetricsAccess = { production: false },
): void {
  app.decorate('metricsRegistry', metrics.registry);
  const others: Registry[] = [];
  app.decorate('exposeMetrics', (registry: Registry) => void others.push(registry));
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL: one series per route, not one per product slug.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.decorate('scrapeMetrics', () => scrape([metrics.registry, ...others]));
  // Memory, CPU and per-route traffic are for operators: behind a token, or off the public port.
  if (!access.token && access.production) return;
  const expected = access.token ? Buffer.from(`Bearer ${access.token}`) : null;
  const guard = (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    if (!expected) return done();
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return done();
    done(new Unauthenticated('Send the metrics token as "Authorization: Bearer <token>".'));
  };
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { hide: true }, onRequest: guard },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return app.scrapeMetrics();
    },
  );
}

/**
 * `/metrics` (and a liveness `/health`) on 127.0.0.1 only, at METRICS_PORT: for a scraper on the
 * same host, and for a worker on its own, which has no other HTTP port.
 */
export async function serveMetrics(scrapeText: () => Promise<string>, port: number) {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      scrapeText()
        .then((text) =>
          response.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }).end(text),
        )
        .catch(() => response.writeHead(500).end());
      return;
    }
    if (request.url === '/health') return void response.writeHead(200).end('ok');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export { scrape as scrapeRegistries };
