import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../../platform/http/auth.js';
import { problemResponses as problems } from '../../../platform/http/problem.js';
import {
  adminCategorySchema,
  adminProductListQuery,
  adminProductListSchema,
  adminProductSchema,
  categoryCreateBody,
  categoryPatchBody,
  productCreateBody,
  productPatchBody,
  variantCreateBody,
  variantPatchBody,
} from './admin-schemas.js';
import type { CatalogAdminService } from './admin-service.js';

/**
 * The store team's catalog: products, their variants and the category tree (admin only). Every
 * write is audited, announced through the outbox, and visible on the storefront (listing, search,
 * facets, product page) as soon as it has been answered. Stock on hand stays with
 * `PATCH /admin/variants/:id/inventory` (inventory module).
 */
export async function adminProductRoutes(
  app: FastifyInstance,
  options: { catalogAdmin: CatalogAdminService },
) {
  const { catalogAdmin } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = { config: { auth: 'admin' as const } };
  const tags = ['admin'];
  const idParams = z.object({ id: z.uuid() });

  typed.get(
    '/admin/products',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminListProducts',
        summary: 'Products of every status, newest first, with stock totals',
        querystring: adminProductListQuery,
        response: { 200: adminProductListSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => catalogAdmin.list(contextOf(request), request.query),
  );

  typed.post(
    '/admin/products',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminCreateProduct',
        summary: 'Create a product with its variants',
        description:
          'Without `variants`, one variant is made per colour and size (SKU `SLUG-COLOUR-SIZE`) at `price`. The slug is derived from the name when left out (409 `slug_taken` when a given one is in use; 409 `sku_taken` for a SKU in use). The product is on the storefront at once.',
        body: productCreateBody,
        response: { 201: adminProductSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await catalogAdmin.create(contextOf(request), request.body)),
  );

  typed.get(
    '/admin/products/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminGetProduct',
        summary: 'A product with stock on hand and reserved per variant',
        params: idParams,
        response: { 200: adminProductSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => catalogAdmin.get(contextOf(request), request.params.id),
  );

  typed.patch(
    '/admin/products/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminUpdateProduct',
        summary: 'Change a product’s name, slug, description, gender, category or prices',
        description:
          '`price` sets the price of every variant (and `compareAtPrice` their compare-at price; null ends a markdown); price a variant apart with `PATCH /admin/variants/:id`. `colors` and `sizes` reorder what the variants offer. Listings, search and the product page show the change at once.',
        params: idParams,
        body: productPatchBody,
        response: { 200: adminProductSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => catalogAdmin.update(contextOf(request), request.params.id, request.body),
  );

  typed.post(
    '/admin/products/:id/archive',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminArchiveProduct',
        summary: 'Take a product off the storefront (idempotent)',
        description:
          'It leaves listings, search and its product page (404) at once and can no longer be bought; orders keep their lines. Archiving an archived product changes nothing.',
        params: idParams,
        response: { 200: adminProductSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => catalogAdmin.archive(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/products/:id/restore',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminRestoreProduct',
        summary: 'Put an archived product back on the storefront (idempotent)',
        params: idParams,
        response: { 200: adminProductSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => catalogAdmin.restore(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/products/:id/variants',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminCreateVariant',
        summary: 'Add a variant (a size and colour) to a product; answers the product',
        description:
          '409 `sku_taken` for a SKU in use, 409 `variant_exists` for a size and colour the product has, 409 `product_limit` past 300 variants, 30 colours or 30 sizes. A new colour or size joins the product’s lists.',
        params: idParams,
        body: variantCreateBody,
        response: { 201: adminProductSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await catalogAdmin.createVariant(contextOf(request), request.params.id, request.body),
        ),
  );

  typed.patch(
    '/admin/variants/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminUpdateVariant',
        summary: 'Change a variant’s SKU, prices, size or colour; answers its product',
        description:
          'Size and colour change only while no order holds the variant (409 `variant_in_use`): add a new variant instead; a new colour or size past the product’s 30 is 409 `product_limit`. A SKU in use is 409 `sku_taken`. Stock on hand is `PATCH /admin/variants/:id/inventory`.',
        params: idParams,
        body: variantPatchBody,
        response: { 200: adminProductSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      catalogAdmin.updateVariant(contextOf(request), request.params.id, request.body),
  );

  typed.post(
    '/admin/categories',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminCreateCategory',
        summary: 'Create a category, at the top level or under a parent',
        body: categoryCreateBody,
        response: { 201: adminCategorySchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await catalogAdmin.createCategory(contextOf(request), request.body)),
  );

  typed.patch(
    '/admin/categories/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminUpdateCategory',
        summary: 'Rename, move or reorder a category',
        description:
          'Moving a category under itself or one of its descendants is 409 `category_cycle`. The tree (`/categories`), listings by category and search show the change at once.',
        params: idParams,
        body: categoryPatchBody,
        response: { 200: adminCategorySchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      catalogAdmin.updateCategory(contextOf(request), request.params.id, request.body),
  );
}
