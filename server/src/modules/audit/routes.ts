import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import type { AuditService } from './service.js';

const entrySchema = z
  .object({
    id: z.string(),
    actor: z.object({ id: z.string(), email: z.string().nullable() }).nullable(),
    action: z.string().describe('e.g. order.refund, discount.update, inventory.set'),
    target: z.string().describe('The record acted on, as kind:id'),
    before: z.unknown(),
    after: z.unknown(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export async function auditRoutes(app: FastifyInstance, options: { audit: AuditService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/admin/audit',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        operationId: 'adminListAudit',
        summary: 'Every write of the store team, newest first: who, what, before and after',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: z.string().max(100).optional(),
          actor: z.uuid().optional(),
          action: z.string().max(60).optional(),
          target: z.string().max(120).optional(),
        }),
        response: {
          200: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => options.audit.list(contextOf(request), request.query),
  );
}
