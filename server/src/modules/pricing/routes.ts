import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymous } from '../../platform/context.js';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import {
  discountBody,
  discountPatchBody,
  discountSchema,
  shippingCountrySchema,
  shippingMethodSchema,
  shippingQuery,
  toDiscount,
} from './schemas.js';
import type { PricingService } from './service.js';

export async function pricingRoutes(app: FastifyInstance, options: { pricing: PricingService }) {
  const { pricing } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/shipping-methods',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['checkout'],
        operationId: 'listShippingMethods',
        summary: 'Shipping methods and their prices, cheapest first',
        description:
          'Prices depend on the destination country and the discounted subtotal (standard shipping is free above a threshold). A country the store does not ship to (see /shipping-countries) has none; a country that is not an ISO 3166-1 code is 400 `unknown_country`.',
        querystring: shippingQuery,
        response: {
          200: z.object({ items: z.array(shippingMethodSchema) }),
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const methods = await pricing.shippingMethods(anonymous, request.query);
      return {
        items: methods.map((m) => ({
          id: m.id,
          name: m.name,
          price: { amount: m.price, currency: m.currency },
          estimatedDays: m.estimatedDays,
        })),
      };
    },
  );

  typed.get(
    '/shipping-countries',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['checkout'],
        operationId: 'listShippingCountries',
        summary: 'The countries the store ships to, in the order to offer them',
        description:
          'Set by SHIPPING_COUNTRIES. An order to any other country is refused with 422 `country_not_shipped`; a country that is not an ISO 3166-1 code anywhere in the API is 400 `unknown_country`.',
        response: { 200: z.object({ items: z.array(shippingCountrySchema) }) },
      },
    },
    async () => ({ items: pricing.shippingCountries() }),
  );

  const admin = { config: { auth: 'admin' as const } };
  const tags = ['admin'];
  const idParams = z.object({ id: z.uuid() });

  typed.post(
    '/admin/discounts',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminCreateDiscount',
        summary: 'Create a discount code',
        body: discountBody,
        response: { 201: discountSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(toDiscount(await pricing.discounts.create(contextOf(request), request.body))),
  );

  typed.get(
    '/admin/discounts',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminListDiscounts',
        summary: 'Discount codes, newest first',
        querystring: z.strictObject({
          q: z.string().trim().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(24),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ items: z.array(discountSchema), nextCursor: z.string().nullable() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const page = await pricing.discounts.list(contextOf(request), request.query);
      return { items: page.items.map(toDiscount), nextCursor: page.nextCursor };
    },
  );

  typed.get(
    '/admin/discounts/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminGetDiscount',
        summary: 'A discount code with its usage',
        params: idParams,
        response: { 200: discountSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      toDiscount(await pricing.discounts.get(contextOf(request), request.params.id)),
  );

  typed.patch(
    '/admin/discounts/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminUpdateDiscount',
        summary: 'Change, deactivate or reactivate a discount code',
        description:
          'Codes are never deleted: once used, their terms (value, minimum) are fixed; deactivate them instead (`active: false`).',
        params: idParams,
        body: discountPatchBody,
        response: { 200: discountSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      toDiscount(
        await pricing.discounts.update(contextOf(request), request.params.id, request.body),
      ),
  );
}
