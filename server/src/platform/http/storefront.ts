import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../errors.js';
import { registerPublicPlugin } from './auth.js';

/** Paths that belong to the API side; a miss there is a 404 problem, never the storefront page. */
const apiPrefixes = ['/api/', '/images/', '/gateway/', '/docs', '/openapi.json', '/metrics'];

/**
 * Serves the built storefront from the API's origin (one process, no CORS). Unknown paths get
 * index.html so the client-side router can take them; hashed assets are cached for a year, and sent
 * precompressed.
 */
export async function registerStorefront(app: FastifyInstance, root: string): Promise<void> {
  // One scope for the files and the fallback: `reply.sendFile` exists only where the static plugin
  // was registered.
  await registerPublicPlugin(
    app,
    async (scope: FastifyInstance) => {
      await scope.register(fastifyStatic, {
        root,
        wildcard: false,
        // The build writes .br and .gz copies of every text file (web/scripts/precompress.mjs):
        // served as Accept-Encoding asks, never compressed per request.
        preCompressed: true,
        setHeaders(reply, path) {
          reply.header(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      scope.get(
        '/*',
        { config: { auth: 'public' }, schema: { hide: true } },
        async (request, reply) => {
          if (apiPrefixes.some((prefix) => request.url.startsWith(prefix))) {
            throw new NotFound(`No route for GET ${request.url.split('?')[0]}.`);
          }
          return reply.header('cache-control', 'no-cache').sendFile('index.html');
        },
      );
    },
    {},
  );
}
