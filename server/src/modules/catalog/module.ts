import { defineModule, apiPrefix } from '../../platform/module.js';
import { startCatalogConsumers } from './consumers.js';
import { imageRoutes } from './images.js';
import { adminCatalogRoutes, catalogRoutes } from './routes.js';
import { createCatalogService, type CatalogService } from './service.js';

/** Categories, listings with facets, search, product pages and their images. */
export const catalogModule = defineModule<{ catalog: CatalogService }>({
  name: 'catalog',
  createServices: ({ config, adapters }) => ({
    catalog: createCatalogService({
      db: adapters.database.db,
      cache: adapters.cache,
      cacheTtlSeconds: config.CATALOG_CACHE_TTL,
    }),
  }),
  async routes(app, { config, adapters, logger }, { catalog }) {
    // An API process builds its facet index as it starts; a listing that comes first waits for it.
    app.addHook('onReady', async () => {
      catalog.warm().catch((error: unknown) => {
        logger.warn(
          { err: error },
          'catalog facet index not built at start; the first listing will',
        );
      });
    });
    await app.register(catalogRoutes, {
      prefix: apiPrefix,
      catalog,
      maxAgeSeconds: config.CATALOG_CACHE_MAX_AGE,
    });
    await app.register(adminCatalogRoutes, { prefix: apiPrefix, catalog });
    await app.register(imageRoutes, { db: adapters.database.db, cache: adapters.cache });
  },
  consumers: ({ adapters }, { catalog }) => startCatalogConsumers(adapters.bus, catalog),
});
