import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses as problems } from '../../platform/http/problem.js';
import { userSchema } from './schemas.js';
import type { AccountService } from './service.js';

/** The store team's routes on customer accounts: list, deactivate, reactivate (admin only). */
export async function adminAccountRoutes(
  app: FastifyInstance,
  options: { accounts: AccountService },
) {
  const { accounts } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/admin/customers',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'adminListCustomers',
        tags: ['admin'],
        summary: 'Customer accounts, newest first',
        querystring: z.object({
          q: z.string().trim().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(24),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ items: z.array(userSchema), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => accounts.listCustomers(contextOf(request), request.query),
  );

  const customerParams = z.object({ id: z.uuid() });
  typed.post(
    '/admin/customers/:id/deactivate',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'adminDeactivateCustomer',
        tags: ['admin'],
        summary: 'Close an account: no sign-in or refresh, and every live session ends at once',
        params: customerParams,
        response: { 200: userSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => accounts.deactivate(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/customers/:id/reactivate',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'adminReactivateCustomer',
        tags: ['admin'],
        summary: 'Open a deactivated account again (its owner signs in anew)',
        params: customerParams,
        response: { 200: userSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => accounts.reactivate(contextOf(request), request.params.id),
  );
}
