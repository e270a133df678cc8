import { negotiate } from '@fastify/accept-negotiator';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SitemapFile, Sitemaps } from './sitemap.js';

function sendXml(request: FastifyRequest, reply: FastifyReply, file: SitemapFile) {
  reply
    .header('content-type', 'application/xml; charset=utf-8')
    .header('cache-control', 'public, max-age=600')
    .header('etag', file.etag)
    .header('vary', 'accept-encoding');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    return reply.code(304).send();
  }
  const accepts = request.headers['accept-encoding'];
  if (accepts && negotiate(accepts, ['gzip']) === 'gzip') {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  const plain = createGunzip();
  plain.end(file.gzip);
  return reply.send(plain);
}

/** `/sitemap.xml` and the files it names; public, and not part of the API's document. */
export async function sitemapRoutes(app: FastifyInstance, options: { sitemaps: Sitemaps }) {
  const { sitemaps } = options;
  const route = { config: { auth: 'public' as const }, schema: { hide: true } };
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get('/sitemap.xml', route, async (request, reply) =>
    sendXml(request, reply, await sitemaps.root()),
  );
  typed.get('/sitemap-pages.xml', route, async (request, reply) =>
    sendXml(request, reply, await sitemaps.pages()),
  );
  typed.get(
    '/sitemap-products-:file.xml',
    {
      ...route,
      schema: { hide: true, params: z.object({ file: z.coerce.number().int().max(1_000_000) }) },
    },
    async (request, reply) => sendXml(request, reply, await sitemaps.products(request.params.file)),
  );
}
