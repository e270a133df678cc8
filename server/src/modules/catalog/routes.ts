import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../platform/http/problem.js';
import type { CachedResponse } from './cache.js';
import {
  categoryTreeSchema,
  listProductsQuery,
  productListSchema,
  productSchema,
  slugParams,
} from './schemas.js';
import type { CatalogService } from './service.js';

export interface CatalogRouteOptions {
  catalog: CatalogService;
  /** Seconds browsers and shared caches may reuse a response before revalidating. */
  maxAgeSeconds: number;
}

/**
 * Catalog responses are JSON strings built once and cached with their ETag, so a hit is sent as-is:
 * no query, no serialisation. A matching If-None-Match gets 304 with no body.
 */
function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  response: CachedResponse & { cacheHit: boolean },
  maxAgeSeconds: number,
) {
  reply
    .header('etag', response.etag)
    .header(
      'cache-control',
      `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds}`,
    )
    .header('x-cache', response.cacheHit ? 'hit' : 'miss');
  const ifNoneMatch = request.headers['if-none-match'];
  if (
    ifNoneMatch &&
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === response.etag)
  ) {
    return reply.status(304).send();
  }
  return reply.type('application/json; charset=utf-8').send(response.body);
}

const errors = { 400: problemSchema, 404: problemSchema };

export async function catalogRoutes(app: FastifyInstance, options: CatalogRouteOptions) {
  const { catalog, maxAgeSeconds } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  // A URL this process has answered since the catalog last changed is answered again at once,
  // before its query is parsed: it passed validation the first time, and the response is the same.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET') return;
    const known = await catalog.byUrl(request.url);
    if (known) return sendCached(request, reply, { ...known, cacheHit: true }, maxAgeSeconds);
  });

  typed.get(
    '/categories',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The category tree',
        response: { 200: categoryTreeSchema },
      },
    },
    async (request, reply) =>
      sendCached(request, reply, await catalog.listCategories(request.url), maxAgeSeconds),
  );

  typed.get(
    '/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List, filter and search products, with facet counts',
        description:
          '`q` is full-text and typo-tolerant. `category` includes its descendants. `size` and `color` take one or more values (comma-separated or repeated). Each facet counts products under every other active filter. Page with the opaque `nextCursor`.',
        querystring: listProductsQuery,
        response: { 200: productListSchema, 400: problemSchema },
      },
    },
    async (request, reply) =>
      sendCached(
        request,
        reply,
        await catalog.listProducts(request.query, request.url),
        maxAgeSeconds,
      ),
  );

  typed.get(
    '/products/:slug',
    {
      schema: {
        tags: ['catalog'],
        summary: 'A product page: variants with availability, images per colour',
        params: slugParams,
        response: { 200: productSchema, ...errors },
      },
    },
    async (request, reply) =>
      sendCached(
        request,
        reply,
        await catalog.getProduct(request.params.slug, request.url),
        maxAgeSeconds,
      ),
  );
}

export const imageParams = z.object({ slug: z.string().max(200), file: z.string().max(100) });
