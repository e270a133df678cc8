/**
 * The catalog module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { catalogModule } from './module.js';
export type { CatalogService } from './listing/service.js';
export type { SaleVariant } from './listing/sale.js';
export type { CatalogAdminService } from './admin/admin-service.js';
/** Shapes other modules' schemas reuse (a price, a line's variant). */
export { lineVariantFields, type Product } from './schemas.js';
/** The seed's import of the demo catalog. */
export {
  countProducts,
  importCategories,
  importProducts,
  type CategoryImport,
  type ProductImport,
} from './import.js';
/** The storefront's page heads and the sitemap, which the app serves beside the API. */
export { jsonForScript, summarise } from './seo/seo.js';
export { createSitemaps, escapeXml, type Sitemaps } from './seo/sitemap.js';
export { sitemapRoutes } from './seo/sitemap-routes.js';
