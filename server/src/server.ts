import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { loggerOptions } from './platform/logger.js';
import { serverPath } from './platform/paths.js';
import { readinessChecks, type Adapters } from './platform/adapters.js';
import type { Config } from './platform/config.js';
import { createHttpApp } from './platform/http/app.js';
import { registerRateLimit } from './platform/http/rate-limit.js';
import { registerStorefront } from './platform/http/storefront.js';
import type { Platform } from './platform/module.js';
import { resolveJwtSecret } from './platform/secrets.js';
import { createServices, modules, type Services } from './modules/index.js';
import { sitemapRoutes } from './modules/catalog/index.js';

export { createServices, type Services };

const defaultStorefront = serverPath('..', 'web', 'dist');

/**
 * The API: platform first (errors, authentication, security, docs, metrics, ops), then each module's
 * routes in the order `modules/index.ts` lists them, then the storefront when built (its files, its
 * pages with their catalog heads, robots.txt and the sitemap).
 */
export async function buildApi(options: {
  config: Config;
  adapters: Adapters;
  logger?: Logger;
  storefrontDir?: string | false;
  services?: Services;
}): Promise<{ app: FastifyInstance; services: Services }> {
  const { config, adapters } = options;
  const platform: Platform = {
    config,
    adapters,
    logger: options.logger ?? pino(loggerOptions(config)),
  };
  // One set of services per process: the worker in the same process must share the catalog's cache.
  const services = options.services ?? createServices(platform);
  const app = await createHttpApp({
    config,
    readinessChecks: [
      ...readinessChecks(adapters),
      ...modules.flatMap((module) =>
        'readiness' in module && module.readiness ? module.readiness(platform, services) : [],
      ),
    ],
    auth: {
      secret: resolveJwtSecret(config),
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL,
      cache: adapters.cache,
      sessions: services.accounts.sessionDirectory,
    },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await registerRateLimit(app, adapters.cache);
  for (const module of modules) {
    await module.routes?.(app, platform, services);
  }
  const storefront = options.storefrontDir ?? defaultStorefront;
  if (storefront && existsSync(storefront)) {
    // Pages, robots.txt and the sitemap come together: without the storefront there is no page
    // for a crawler to find.
    await registerStorefront(app, storefront, {
      publicUrl: config.PUBLIC_URL,
      heads: services.pageHeads,
    });
    await app.register(sitemapRoutes, { sitemaps: services.sitemaps });
  }
  return { app, services };
}
