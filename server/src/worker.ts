import type { Logger } from 'pino';
import type { Adapters } from './platform/adapters.js';
import { createOutboxRelay } from './platform/bus/outbox.js';
import type { Subscription } from './platform/bus/port.js';
import { startAccountConsumers } from './modules/accounts/consumers.js';
import { startCatalogConsumers } from './modules/catalog/consumers.js';
import type { Services } from './server.js';

/**
 * The worker role: the outbox relay and every module's consumers. Run it in the same process as the
 * API (embedded mode) or as any number of separate processes; consumers with one name compete.
 */
export async function startWorker(options: {
  adapters: Adapters;
  services: Services;
  logger: Logger;
}) {
  const { adapters, services, logger } = options;
  const relay = createOutboxRelay({ db: adapters.database.db, bus: adapters.bus, logger });
  const deps = { db: adapters.database.db, bus: adapters.bus, logger };
  const subscriptions: Subscription[] = [
    ...(await startCatalogConsumers(adapters.bus, services.catalog)),
    ...(await startAccountConsumers(deps, services.accounts)),
  ];
  relay.start();
  logger.info({ consumers: subscriptions.length }, 'worker started: outbox relay and consumers');
  return {
    relay,
    async stop() {
      await relay.stop();
      await Promise.allSettled(subscriptions.map((s) => s.close()));
    },
  };
}
