import { apiPrefix, defineModule } from '../../platform/module.js';
import type { CatalogService } from '../catalog/index.js';
import type { PricingService } from '../pricing/index.js';
import { cartRoutes } from './routes.js';
import { createCartService, type CartService } from './service.js';

/** Shopping carts: kept in the cache (Redis), priced live from the catalog and pricing. */
export const cartModule = defineModule<
  { cart: CartService },
  { catalog: CatalogService; pricing: PricingService }
>({
  name: 'cart',
  createServices: ({ adapters }, { catalog, pricing }) => ({
    cart: createCartService({ cache: adapters.cache, catalog, pricing }),
  }),
  routes: (app, _platform, { cart }) =>
    app.register(cartRoutes, { prefix: apiPrefix, cart }) as unknown as Promise<void>,
});
