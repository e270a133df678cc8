/**
 * The inventory module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { inventoryModule } from './module.js';
export type { InventoryService, StockLine } from './service.js';
export { inventoryUpdated } from './events.js';
