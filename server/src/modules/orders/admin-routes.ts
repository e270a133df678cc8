import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import {
  type AccountService,
  type AddressBook,
  addressSchema,
  userSchema,
} from '../accounts/index.js';
import { orderListSchema } from './schemas.js';
import type { OrderService } from './service.js';
import type { StoreStats } from './stats.js';

const day = z.iso.date();

/** What is counted, for the whole range and for each day. */
const figures = {
  orders: z.number().int(),
  revenue: z.number().int(),
  refunded: z.number().int(),
  units: z.number().int(),
  averageOrderValue: z.number().int(),
};

const statsSchema = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  totals: z.object(figures),
  days: z.array(z.object({ day: z.string(), ...figures })),
  topProducts: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      units: z.number().int(),
      revenue: z.number().int(),
    }),
  ),
  lowStock: z.array(
    z.object({
      variantId: z.string(),
      sku: z.string(),
      productSlug: z.string(),
      name: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
    }),
  ),
  lowStockThreshold: z.number().int(),
});

/**
 * The store team's views that join accounts and orders: one customer with their addresses and
 * orders, and the store's figures over a range of days.
 */
export async function adminOrderViews(
  app: FastifyInstance,
  options: {
    accounts: AccountService;
    addresses: AddressBook;
    orders: OrderService;
    storeStats: StoreStats;
  },
) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = { config: { auth: 'admin' as const } };

  typed.get(
    '/admin/customers/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        operationId: 'adminGetCustomer',
        summary: 'One customer with their address book and their orders, newest first',
        params: z.object({ id: z.uuid() }),
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: userSchema.extend({ addresses: z.array(addressSchema), orders: orderListSchema }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      const user = await options.accounts.adminGet(ctx, request.params.id);
      const [addresses, orders] = await Promise.all([
        options.addresses.ofUser(ctx, user.id),
        options.orders.adminListForUser(ctx, user.id, request.query),
      ]);
      return { ...user, addresses, orders };
    },
  );

  typed.get(
    '/admin/stats',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        operationId: 'adminStats',
        summary:
          'Revenue, refunds, orders, average order value and units per day; top products; low stock',
        description:
          'Days are UTC and inclusive; the default is the last 30 days. Revenue counts orders that were paid (whatever happened after); refunds are counted on the day they were made. At most 366 days.',
        querystring: z.strictObject({ from: day.optional(), to: day.optional() }),
        response: { 200: statsSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => options.storeStats.figures(contextOf(request), request.query),
  );
}
