import { defineModule, apiPrefix } from '../../platform/module.js';
import { createStorage } from '../../platform/storage/index.js';
import type { InventoryService } from '../inventory/index.js';
// In this order, the API document lists the schemas the routes name (CSV, images, then admin).
import { startCatalogConsumers } from './consumers.js';
import { catalogCsvRoutes } from './csv/csv-routes.js';
import { createCatalogCsvService, type CatalogCsvService } from './csv/csv-service.js';
import { productImageRoutes } from './media/product-image-routes.js';
import { createProductImageService, type ProductImageService } from './media/product-images.js';
import { createImageBackfill } from './media/image-backfill.js';
import { drawnImageRoutes } from './media/drawn-image-routes.js';
import { adminProductRoutes } from './admin/admin-product-routes.js';
import { createCatalogAdminService, type CatalogAdminService } from './admin/admin-service.js';
import { catalogRoutes } from './listing/listing-routes.js';
import { createCatalogService, type CatalogService } from './listing/service.js';
import { createPageHeads } from './seo/seo.js';
import { createSitemaps, type Sitemaps } from './seo/sitemap.js';

/**
 * Categories, listings with facets, search, product pages and their images, the store team's
 * catalog writes and CSV files, and the pages' heads and sitemap. Every service is built here;
 * the routes only receive them.
 */
export const catalogModule = defineModule<
  {
    catalog: CatalogService;
    catalogAdmin: CatalogAdminService;
    catalogCsv: CatalogCsvService;
    productImages: ProductImageService;
    pageHeads: ReturnType<typeof createPageHeads>;
    sitemaps: Sitemaps;
  },
  { inventory: InventoryService }
>({
  name: 'catalog',
  createServices: ({ config, adapters, logger }, { inventory }) => {
    const db = adapters.database.db;
    const catalog = createCatalogService({
      db,
      cache: adapters.cache,
      cacheTtlSeconds: config.CATALOG_CACHE_TTL,
    });
    // This process's cached pages go at once; other processes' by `inventory_update` (consumers.ts).
    inventory.onStockChanged(() => catalog.invalidate());
    const catalogAdmin = createCatalogAdminService({
      db,
      lowStockThreshold: config.LOW_STOCK_THRESHOLD,
      onCatalogChanged: () => catalog.productsChanged(),
      onEffectError: (error) => logger.warn({ err: error }, 'after a catalog change'),
    });
    const catalogCsv = createCatalogCsvService({
      db,
      maxRows: config.CATALOG_IMPORT_MAX_ROWS,
      onProductsChanged: () => catalog.productsChanged(),
      onEffectError: (error) => logger.warn({ err: error }, 'after a catalog import'),
    });
    const productImages = createProductImageService({
      db,
      storage: createStorage(config),
      maxBytes: config.IMAGE_UPLOAD_MAX_BYTES,
      maxPixels: config.IMAGE_UPLOAD_MAX_PIXELS,
      onChanged: () => catalog.invalidate(),
      onEffectError: (error) => logger.warn({ err: error }, 'after an image change'),
    });
    const publicUrl = config.PUBLIC_URL;
    const pageHeads = createPageHeads({ catalog, publicUrl });
    const sitemaps = createSitemaps({ db, catalog, publicUrl });
    return { catalog, catalogAdmin, catalogCsv, productImages, pageHeads, sitemaps };
  },
  async routes(app, { config, adapters, logger }, services) {
    const { catalog, catalogAdmin, catalogCsv, productImages } = services;
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
    await app.register(drawnImageRoutes, { db: adapters.database.db, cache: adapters.cache });
    await app.register(productImageRoutes, { config, productImages });
    await app.register(catalogCsvRoutes, { config, catalogCsv });
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
