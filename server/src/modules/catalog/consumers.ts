import { consume } from '../../platform/bus/consumer.js';
import type { EventType } from '../../platform/bus/events.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import { inventoryUpdated } from '../inventory/index.js';
import { catalogEvents } from './events.js';
import type { CatalogService } from './listing/service.js';

/**
 * Any stock change retires the cached catalog, whichever process made it. These consumers run in
 * the worker role (a process of their own, or the single process of `npm start`), and one worker
 * takes each message: the bump moves the catalog version in the shared cache (Redis), which every
 * API process re-reads within half a second. Bumping the version twice is harmless, so they need no
 * inbox.
 *
 * The store team's catalog changes retire the cache directly once they commit; their events do it
 * again here, which covers a bump that failed then (the cache unreachable at that moment). The
 * speller's lexicon is per process: `productsChanged` resets it in the process it runs in, so the
 * API process that made a change searches the new words at once, and so does the single process of
 * `npm start`; here, in a separate worker, the reset is moot, and other API processes pick the new
 * words up when their lexicon expires (`spelling.ts`, within 5 minutes).
 */
export function startCatalogConsumers(
  bus: MessageBus,
  catalog: CatalogService,
): Promise<Subscription[]> {
  return Promise.all([
    consume(bus, { name: 'catalog-cache', events: [inventoryUpdated] }, async () => {
      await catalog.invalidate();
    }),
    consume(
      bus,
      { name: 'catalog-changes', events: [...catalogEvents] as EventType<string, unknown>[] },
      async () => {
        await catalog.productsChanged();
      },
    ),
  ]);
}
