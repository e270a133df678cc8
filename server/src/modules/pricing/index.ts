/**
 * The pricing module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { pricingModule } from './module.js';
export type { KnownMethods, PricingService, Quote } from './service.js';
export { InvalidDiscount, type DiscountRefusal } from './discounts.js';
export { normaliseRegion } from './regions.js';
