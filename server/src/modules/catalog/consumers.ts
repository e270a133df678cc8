import { consume } from '../../platform/bus/consumer.js';
import type { EventType } from '../../platform/bus/events.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import { inventoryUpdated } from '../inventory/events.js';
import { catalogEvents } from './events.js';
import type { CatalogService } from './service.js';

/**
 * Any stock change retires the cached catalog, whichever process made it. Bumping the version twice
 * is harmless, so this consumer needs no inbox. The store team's catalog changes retire it directly
 * once they commit; their events do it again here, which also covers a bump that failed then (the
 * cache unreachable at that moment) and resets this process's search words.
 */
export function startCatalogConsumers(
  bus: MessageBus,
  catalog: CatalogService,
): Promise<Subscription[]> {
  return Promise.all([
    consume(bus, 'catalog-cache', [inventoryUpdated], async () => {
      await catalog.invalidate();
    }),
    consume(
      bus,
      'catalog-changes',
      [...catalogEvents] as EventType<string, unknown>[],
      async () => {
        await catalog.productsChanged();
      },
    ),
  ]);
}
