import { defineModule } from '../../platform/module.js';
import type { CatalogService } from '../catalog/service.js';
import { inventoryRoutes } from './routes.js';
import { createInventoryService, type InventoryService } from './service.js';

/** Stock levels, reservations for orders, and the admin's stock changes. */
export const inventoryModule = defineModule<
  { inventory: InventoryService },
  { catalog: CatalogService }
>({
  name: 'inventory',
  createServices: ({ adapters }, { catalog }) => ({
    inventory: createInventoryService({
      db: adapters.database.db,
      onStockChanged: () => catalog.invalidate(),
    }),
  }),
  routes: (app, _platform, services) => inventoryRoutes(app, services),
});
