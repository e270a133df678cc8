/**
 * The cart module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { cartModule } from './module.js';
export type { CartService } from './service.js';
