/**
 * The events module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { eventsModule } from './module.js';
export type { EventLog } from './service.js';
