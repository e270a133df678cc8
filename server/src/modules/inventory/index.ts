/**
 * The inventory module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { inventoryModule } from './module.js';
export type { InventoryService, StockLevel, StockLine } from './service.js';
/** Stock rows written in the caller's transaction: a new variant's, and a catalog import's levels. */
export { initialiseStock, setStockLevels, stockLevelsOf } from './service.js';
export { inventoryUpdated } from './events.js';
