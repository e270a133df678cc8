import { defineModule, apiPrefix } from '../../platform/module.js';
import { createStorage } from '../../platform/storage/index.js';
import { startCatalogConsumers } from './consumers.js';
import { catalogCsvRoutes } from './csv/csv-routes.js';
import { productImageRoutes } from './media/product-image-routes.js';
import { createImageBackfill } from './media/image-backfill.js';
import { imageRoutes } from './media/drawn-image-routes.js';
import { adminProductRoutes } from './admin/admin-product-routes.js';
import { createCatalogAdminService, type CatalogAdminService } from './admin/admin-service.js';
import { catalogRoutes } from './listing/listing-routes.js';
import { createCatalogService, type CatalogService } from './listing/service.js';

/** Categories, listings with facets, search, product pages and their images. */
export const catalogModule = defineModule<{
  catalog: CatalogService;
  catalogAdmin: CatalogAdminService;
}>({
  name: 'catalog',
  createServices: ({ config, adapters, logger }) => {
    const catalog = createCatalogService({
      db: adapters.database.db,
      cache: adapters.cache,
      cacheTtlSeconds: config.CATALOG_CACHE_TTL,
    });
    const catalogAdmin = createCatalogAdminService({
      db: adapters.database.db,
      lowStockThreshold: config.LOW_STOCK_THRESHOLD,
      onCatalogChanged: () => catalog.productsChanged(),
      onEffectError: (error) => logger.warn({ err: error }, 'after a catalog change'),
    });
    return { catalog, catalogAdmin };
  },
  async routes(app, { config, adapters, logger }, { catalog, catalogAdmin }) {
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
    await app.register(adminProductRoutes, { prefix: apiPrefix, catalogAdmin });
    await app.register(imageRoutes, { db: adapters.database.db, cache: adapters.cache });
    await app.register(productImageRoutes, { config, db: adapters.database.db, catalog });
    await app.register(catalogCsvRoutes, { config, db: adapters.database.db, catalog });
  },
  consumers: ({ adapters }, { catalog }) => startCatalogConsumers(adapters.bus, catalog),
  jobs: ({ config, adapters, logger }, { catalog }) => {
    const backfill = createImageBackfill({
      db: adapters.database.db,
      storage: createStorage(config),
      maxPixels: config.IMAGE_UPLOAD_MAX_PIXELS,
      onChanged: () => catalog.productsChanged(),
      logger,
    });
    // Photos uploaded before uploads were processed, every ten minutes: one short query when
    // there are none left.
    return [{ name: 'process-legacy-images', intervalMs: 600_000, run: () => backfill.run() }];
  },
});
