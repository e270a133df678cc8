import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { anonymous } from '../../platform/context.js';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import type { EventLog } from './service.js';

const eventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    version: z.number().int(),
    data: z.unknown(),
    state: z.enum(['pending', 'published', 'failed']),
    occurredAt: z.string(),
    publishedAt: z.string().nullable(),
    failedAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'OutboxEvent' });

export async function eventRoutes(app: FastifyInstance, options: { events: EventLog }) {
  const { events } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = { config: { auth: 'admin' as const } };

  typed.get(
    '/admin/events',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        operationId: 'adminListEvents',
        summary: 'Events of the outbox, newest first: pending, published or failed',
        querystring: z.strictObject({
          type: z.string().trim().max(80).optional(),
          state: z.enum(['pending', 'published', 'failed']).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(24),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ items: z.array(eventSchema), nextCursor: z.string().nullable() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => events.list(contextOf(request), request.query),
  );

  typed.get(
    '/admin/events/dead-letters',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        operationId: 'adminListDeadLetters',
        summary: 'Messages consumers gave up on after their last retry, not yet replayed',
        description: 'Replay one with `POST /admin/events/{eventId}/replay`.',
        querystring: z.strictObject({
          consumer: z.string().trim().max(120).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(24),
          cursor: z.string().max(300).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                consumer: z.string(),
                eventId: z.string(),
                type: z.string(),
                version: z.number().int(),
                data: z.unknown(),
                error: z.string(),
                deadAt: z.string(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => events.deadLetters(contextOf(request), request.query),
  );

  typed.post(
    '/admin/events/:id/replay',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        operationId: 'adminReplayEvent',
        summary: 'Send an event again; consumers that already applied it ignore it',
        params: z.object({ id: z.uuid() }),
        response: { 200: eventSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => events.replay(contextOf(request), request.params.id),
  );

  // Read from the database at scrape time, so every API process reports the same figures whatever
  // process relays.
  const health = () => events.health(anonymous);
  new Gauge({
    name: 'outbox_backlog',
    help: 'Events written but not yet published',
    registers: [app.metricsRegistry],
    async collect() {
      this.set((await health()).backlog);
    },
  });
  new Gauge({
    name: 'outbox_oldest_due_seconds',
    help: 'How long the oldest event due for publishing has waited',
    registers: [app.metricsRegistry],
    async collect() {
      this.set((await health()).oldestDueSeconds);
    },
  });
  new Gauge({
    name: 'outbox_failed',
    help: 'Events that failed their last publish try (see /api/v1/admin/events?state=failed)',
    registers: [app.metricsRegistry],
    async collect() {
      this.set((await health()).failed);
    },
  });
  new Gauge({
    name: 'outbox_publish_latency_seconds',
    help: 'From commit to broker confirmation, over the last 5 minutes',
    labelNames: ['quantile'] as const,
    registers: [app.metricsRegistry],
    async collect() {
      const { publishLatencySeconds } = await health();
      this.set({ quantile: '0.5' }, publishLatencySeconds.p50 ?? 0);
      this.set({ quantile: '0.99' }, publishLatencySeconds.p99 ?? 0);
    },
  });
}
