import type { OutgoingHttpHeaders } from 'node:http';
import { encodedBody, encodingFor } from '../../../platform/http/compression.js';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymous } from '../../../platform/context.js';
import { problemSchema } from '../../../platform/http/problem.js';
import type { CachedResponse } from './cache.js';
import {
  categoryTreeSchema,
  listProductsQuery,
  productListSchema,
  productSchema,
  slugParams,
} from '../schemas.js';
import type { CatalogService } from './service.js';

export interface CatalogRouteOptions {
  catalog: CatalogService;
  /** Seconds browsers and shared caches may reuse a response before revalidating. */
  maxAgeSeconds: number;
}

/**
 * Catalog responses are JSON strings built once and cached with their ETag, so a hit is sent as-is:
 * no query, no serialisation, and no compression after the first (the encoded bytes are kept with
 * the response). A matching If-None-Match gets 304 with no body.
 *
 * They are written straight to the socket (the reply is hijacked) with the headers the earlier hooks
 * set (request id, security headers, CORS): nothing is left for the send hooks to do (the body is
 * encoded already, and a catalog read never sets a cookie), and they cost a fifth of a small hit.
 * onResponse hooks (metrics) still run when the response finishes.
 */
function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  response: CachedResponse & { cacheHit: boolean },
  maxAgeSeconds: number,
) {
  const headers = reply.getHeaders() as OutgoingHttpHeaders;
  headers.etag = response.etag;
  headers['cache-control'] =
    `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds}`;
  headers['x-cache'] = response.cacheHit ? 'hit' : 'miss';
  reply.hijack();
  const ifNoneMatch = request.headers['if-none-match'];
  if (
    ifNoneMatch &&
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === response.etag)
  ) {
    reply.raw.writeHead(304, headers).end();
    return reply;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  headers.vary = 'accept-encoding';
  const encoding = encodingFor(request.headers['accept-encoding'], response.body.length);
  // A string body goes out in one write with the headers; a Buffer would be a second chunk.
  let body: string | Buffer = response.body;
  if (encoding) {
    body = encodedBody(response, encoding);
    headers['content-encoding'] = encoding;
  }
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  reply.raw.writeHead(200, headers);
  if (request.method === 'HEAD') reply.raw.end();
  else reply.raw.end(body);
  return reply;
}

const errors = { 400: problemSchema, 404: problemSchema };

export async function catalogRoutes(app: FastifyInstance, options: CatalogRouteOptions) {
  const { catalog, maxAgeSeconds } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  // A URL this process has answered since the catalog last changed is answered again at once,
  // before its query is parsed: it passed validation the first time, and the response is the same.
  // Attached to the public catalog reads below only, never to a route that checks who is asking.
  // A callback hook: most hits are answered without a promise (the version is known to be current).
  const answerKnownUrl: onRequestHookHandler = (request, reply, done) => {
    const answer = (known: CachedResponse | null | undefined) => {
      if (!known) return done();
      sendCached(request, reply, { ...known, cacheHit: true }, maxAgeSeconds);
    };
    const now = catalog.byUrlNow(anonymous, request.url);
    if (now !== undefined) return answer(now);
    catalog.byUrl(anonymous, request.url).then(answer, done);
  };
  const publicRead = { config: { auth: 'public' as const }, onRequest: answerKnownUrl };

  typed.get(
    '/categories',
    {
      ...publicRead,
      schema: {
        tags: ['catalog'],
        operationId: 'listCategories',
        summary: 'The category tree',
        response: { 200: categoryTreeSchema },
      },
    },
    async (request, reply) =>
      sendCached(
        request,
        reply,
        await catalog.listCategories(anonymous, request.url),
        maxAgeSeconds,
      ),
  );

  typed.get(
    '/products',
    {
      ...publicRead,
      schema: {
        tags: ['catalog'],
        operationId: 'listProducts',
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
        await catalog.listProducts(anonymous, request.query, request.url),
        maxAgeSeconds,
      ),
  );

  typed.get(
    '/products/:slug',
    {
      ...publicRead,
      schema: {
        tags: ['catalog'],
        operationId: 'getProduct',
        summary: 'A product page: variants with availability, images per colour',
        params: slugParams,
        response: { 200: productSchema, ...errors },
      },
    },
    async (request, reply) =>
      sendCached(
        request,
        reply,
        await catalog.getProduct(anonymous, request.params.slug, request.url),
        maxAgeSeconds,
      ),
  );
}

export const imageParams = z.object({ slug: z.string().max(200), file: z.string().max(100) });
