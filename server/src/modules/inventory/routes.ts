import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import { apiPrefix } from '../../platform/module.js';
import type { InventoryService } from './service.js';

export const stockLevelSchema = z
  .object({
    variantId: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int().describe('Held by unpaid orders'),
    available: z.number().int().describe('onHand − reserved: what can still be bought'),
  })
  .meta({ id: 'StockLevel' });

export async function inventoryRoutes(
  app: FastifyInstance,
  services: { inventory: InventoryService },
) {
  await app.register(
    async (api) => {
      api.withTypeProvider<ZodTypeProvider>().patch(
        '/admin/variants/:id/inventory',
        {
          config: { auth: 'admin' },
          schema: {
            tags: ['admin'],
            operationId: 'adminSetVariantStock',
            summary: 'Set the units on hand of a variant',
            description:
              'Never below what open orders have reserved (409 `below_reserved`). Writes `inventory_update` and retires cached catalog pages.',
            params: z.object({ id: z.uuid() }),
            body: z.strictObject({ onHand: z.number().int().min(0).max(1_000_000) }),
            response: { 200: stockLevelSchema, ...problemResponses(400, 401, 403, 404, 409) },
          },
        },
        async (request) =>
          services.inventory.setOnHand(contextOf(request), request.params.id, request.body.onHand),
      );
    },
    { prefix: apiPrefix },
  );
}
