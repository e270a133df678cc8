import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Cache } from '../../../platform/cache/port.js';
import { queryRows, type Db } from '../../../platform/db/index.js';
import { NotFound } from '../../../platform/errors.js';
import { renderProductSvg } from '../../../seed/catalog-data.js';
import { etagOf } from '../listing/cache.js';
import { colorFile } from '../derived.js';

/**
 * Product images are drawn, not stored: one SVG per product and colour, rendered on first request
 * and cached. The URL names the colour, so a colour picker can swap images without another lookup.
 */
export async function drawnImageRoutes(app: FastifyInstance, options: { db: Db; cache: Cache }) {
  const { db, cache } = options;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/images/products/:slug/:file',
    {
      config: { auth: 'public' },
      schema: {
        hide: true,
        params: z.object({
          slug: z.string().regex(/^[a-z0-9-]{1,200}$/),
          file: z.string().regex(/^[a-z0-9-]{1,60}\.svg$/),
        }),
      },
    },
    async (request, reply) => {
      const { slug, file } = request.params;
      const key = `image:${slug}:${file}`;
      let svg = await cache.get(key);
      if (svg === null) {
        const [row] = await queryRows<{
          name: string;
          gender: 'men' | 'women' | 'kids' | 'unisex';
          colors: string[];
          category_slug: string;
        }>(
          db,
          sql`
          SELECT p.name, p.gender, p.colors, c.slug AS category_slug
          FROM products p JOIN categories c ON c.id = p.category_id WHERE p.slug = ${slug}`,
        );
        const color = row?.colors.find((c) => `${colorFile(c)}.svg` === file);
        if (!row || !color) throw new NotFound('No such image.');
        svg = renderProductSvg(
          { name: row.name, gender: row.gender, categorySlug: row.category_slug },
          color,
        );
        await cache.set(key, svg, 86_400);
      }
      const etag = etagOf(svg);
      reply
        .header('etag', etag)
        .header('cache-control', 'public, max-age=86400')
        .header('content-type', 'image/svg+xml; charset=utf-8');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.send(svg);
    },
  );
}
