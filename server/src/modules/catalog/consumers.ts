import { consume } from '../../platform/bus/consumer.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import { inventoryUpdated } from '../inventory/events.js';
import type { CatalogService } from './service.js';

/**
 * Any stock change retires the cached catalog, whichever process made it. Bumping the version twice
 * is harmless, so this consumer needs no inbox.
 */
export function startCatalogConsumers(
  bus: MessageBus,
  catalog: CatalogService,
): Promise<Subscription[]> {
  return Promise.all([
    consume(bus, 'catalog-cache', [inventoryUpdated], async () => {
      await catalog.invalidate();
    }),
  ]);
}
