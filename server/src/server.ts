import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { readinessChecks, type Adapters } from './platform/adapters.js';
import type { Config } from './platform/config.js';
import { createHttpApp } from './platform/http/app.js';
import { registerStorefront } from './platform/http/storefront.js';
import { imageRoutes } from './modules/catalog/images.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { createCatalogService, type CatalogService } from './modules/catalog/service.js';
import { createInventoryService, type InventoryService } from './modules/inventory/service.js';
import { createAddressBook, type AddressBook } from './modules/accounts/addresses.js';
import { accountRoutes } from './modules/accounts/routes.js';
import { createAccountService, type AccountService } from './modules/accounts/service.js';
import { registerAuth } from './platform/http/auth.js';
import { registerRateLimit } from './platform/http/rate-limit.js';
import { resolveJwtSecret } from './platform/secrets.js';

export interface Services {
  catalog: CatalogService;
  inventory: InventoryService;
  accounts: AccountService;
  addresses: AddressBook;
}

export function createServices(config: Config, adapters: Adapters): Services {
  const catalog = createCatalogService({
    db: adapters.database.db,
    cache: adapters.cache,
    cacheTtlSeconds: config.CATALOG_CACHE_TTL,
  });
  const inventory = createInventoryService({
    db: adapters.database.db,
    onStockChanged: () => catalog.invalidate(),
  });
  const accounts = createAccountService({
    db: adapters.database.db,
    cache: adapters.cache,
    jwtSecret: resolveJwtSecret(config),
    accessTtlSeconds: config.ACCESS_TOKEN_TTL,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL,
    loginFailureLimit: config.LOGIN_FAILURE_LIMIT,
    publicUrl: config.PUBLIC_URL,
  });
  return {
    catalog,
    inventory,
    accounts,
    addresses: createAddressBook({ db: adapters.database.db }),
  };
}

const defaultStorefront = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The API: platform first (errors, security, docs, metrics, ops), then each domain's routes under
 * /api/v1, then the storefront's static files when they are built.
 */
export async function buildApi(options: {
  config: Config;
  adapters: Adapters;
  logger?: Logger;
  storefrontDir?: string | false;
  services?: Services;
}): Promise<{ app: FastifyInstance; services: Services }> {
  const { config, adapters } = options;
  const app = await createHttpApp({
    config,
    readinessChecks: readinessChecks(adapters),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  // One set of services per process: the worker in the same process must share the catalog's cache.
  const services = options.services ?? createServices(config, adapters);
  await registerAuth(app, {
    secret: resolveJwtSecret(config),
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL,
    cache: adapters.cache,
  });
  await registerRateLimit(app, adapters.cache);
  await app.register(accountRoutes, {
    prefix: '/api/v1',
    accounts: services.accounts,
    addresses: services.addresses,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL,
    authRateLimit: config.AUTH_RATE_LIMIT,
    secureCookies: config.NODE_ENV === 'production' || config.PUBLIC_URL.startsWith('https:'),
  });
  await app.register(catalogRoutes, {
    prefix: '/api/v1',
    catalog: services.catalog,
    maxAgeSeconds: config.CATALOG_CACHE_MAX_AGE,
  });
  await app.register(imageRoutes, { db: adapters.database.db, cache: adapters.cache });
  const storefront = options.storefrontDir ?? defaultStorefront;
  if (storefront && existsSync(storefront)) await registerStorefront(app, storefront);
  return { app, services };
}
