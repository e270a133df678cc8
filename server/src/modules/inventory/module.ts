import { storeTeamEmail } from '../../platform/config.js';
import { defineModule } from '../../platform/module.js';
import { startInventoryConsumers } from './consumers.js';
import { inventoryRoutes } from './routes.js';
import { createInventoryService, type InventoryService } from './service.js';

/** Stock levels, reservations for orders, the admin's stock changes, and low-stock alerts. */
export const inventoryModule = defineModule<{ inventory: InventoryService }>({
  name: 'inventory',
  createServices: ({ adapters }) => ({
    inventory: createInventoryService({ db: adapters.database.db }),
  }),
  routes: (app, _platform, services) => inventoryRoutes(app, services),
  consumers: ({ config, adapters, logger }) =>
    startInventoryConsumers(
      { db: adapters.database.db, bus: adapters.bus, logger },
      { threshold: config.LOW_STOCK_THRESHOLD, alertTo: storeTeamEmail(config) },
    ),
});
