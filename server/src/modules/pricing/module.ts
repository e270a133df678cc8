import { apiPrefix, defineModule } from '../../platform/module.js';
import { pricingRoutes } from './routes.js';
import { createPricingService, type PricingService } from './service.js';
import { createRateTable } from './shipping.js';

/** Discount codes, shipping methods (behind the shipping-rates port) and tax rates. */
export const pricingModule = defineModule<{ pricing: PricingService }>({
  name: 'pricing',
  createServices: ({ adapters, config }) => ({
    pricing: createPricingService({
      db: adapters.database.db,
      shippingRates: createRateTable(),
      shippingCountries: config.SHIPPING_COUNTRIES,
    }),
  }),
  routes: (app, _platform, { pricing }) =>
    app.register(pricingRoutes, { prefix: apiPrefix, pricing }) as unknown as Promise<void>,
});
