import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import type { CatalogService } from './service.js';

/**
 * Any stock or product change retires the cached catalog, whichever process made it. Bumping the
 * version twice is harmless, so this consumer needs no inbox.
 */
export function startCatalogConsumers(
  bus: MessageBus,
  catalog: CatalogService,
): Promise<Subscription[]> {
  return Promise.all([
    bus.subscribe('catalog-cache', ['inventory_update', 'product_updated'], async () => {
      await catalog.invalidate();
    }),
  ]);
}
