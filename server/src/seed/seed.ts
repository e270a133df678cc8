import type { Logger } from 'pino';
import type { Db } from '../platform/db/index.js';
import { countProducts, importCategories, importProducts } from '../modules/catalog/index.js';
import { categories, generateCatalog } from './catalog-data.js';

/** Load the demo catalog when the store has no products yet; returns how many were added. */
export async function seedCatalogIfEmpty(db: Db, logger: Logger, count?: number): Promise<number> {
  if ((await countProducts(db)) > 0) return 0;
  const started = Date.now();
  const catalog = generateCatalog(count === undefined ? {} : { count });
  await importCategories(db, categories);
  await importProducts(db, catalog);
  logger.info({ products: catalog.length, ms: Date.now() - started }, 'seeded the catalog');
  return catalog.length;
}
