import { isPaymentTestMode, storeTeamEmail } from '../../platform/config.js';
import { anonymous } from '../../platform/context.js';
import { apiPrefix, defineModule } from '../../platform/module.js';
import type { CatalogService } from '../catalog/index.js';
import type { AccountService, AddressBook } from '../accounts/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { PaymentService } from '../payments/index.js';
import type { PricingService } from '../pricing/index.js';
import { startOrderConsumers } from './consumers.js';
import { createCheckout, type Checkout, type CheckoutCarts } from './checkout.js';
import { createIdempotency } from './idempotency.js';
import { adminOrderViews } from './admin-routes.js';
import { createDisputeOutcomes } from './dispute-outcomes.js';
import { startPaymentRequestConsumers } from './payment-requests.js';
import { createRefundOutcomes } from './refund-outcomes.js';
import { orderRoutes } from './routes.js';
import { createOrderService, type OrderService } from './service.js';
import { createStoreStats, type StoreStats } from './stats.js';
import { accessTokenKey, createAccessTokens } from './view.js';

/** Checkout, orders and their status machine, idempotency keys, and the expiry of unpaid orders. */
export const ordersModule = defineModule<
  { checkout: Checkout; orders: OrderService; storeStats: StoreStats },
  {
    catalog: CatalogService;
    inventory: InventoryService;
    pricing: PricingService;
    cart: CheckoutCarts;
    payments: PaymentService;
    accounts: AccountService;
    addresses: AddressBook;
  }
>({
  name: 'orders',
  createServices: (
    { config, adapters, logger },
    { catalog, inventory, pricing, cart, payments },
  ) => {
    const db = adapters.database.db;
    const accessTokens = createAccessTokens(accessTokenKey(config));
    return {
      checkout: createCheckout({
        db,
        catalog,
        inventory,
        pricing,
        carts: cart,
        idempotency: createIdempotency({ db }),
        accessTokens,
        paymentTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT,
        testMode: isPaymentTestMode(config),
        payments,
        logger,
      }),
      orders: createOrderService({ db, inventory, pricing, payments, accessTokens }),
      storeStats: createStoreStats({ db, lowStockThreshold: config.LOW_STOCK_THRESHOLD }),
    };
  },
  routes: async (app, { config }, { checkout, orders, storeStats, accounts, addresses }) => {
    await app.register(orderRoutes, {
      prefix: apiPrefix,
      checkout,
      orders,
      ordersPerMinute: config.ORDER_RATE_LIMIT,
    });
    await app.register(adminOrderViews, {
      prefix: apiPrefix,
      accounts,
      addresses,
      orders,
      storeStats,
    });
  },
  consumers: async ({ config, adapters, logger }, { orders, payments }) => [
    ...(await startOrderConsumers({ db: adapters.database.db, bus: adapters.bus, logger }, orders, {
      ...createRefundOutcomes({ storeTeam: storeTeamEmail(config) }),
      ...createDisputeOutcomes({ storeTeam: storeTeamEmail(config) }),
    })),
    ...(await startPaymentRequestConsumers(adapters.bus, payments)),
  ],
  jobs: ({ config, adapters }, { orders }) => [
    {
      name: 'expire-unpaid-orders',
      // Often enough that stock comes back within a fraction of the timeout, however short.
      intervalMs: Math.max(200, Math.min(30_000, (config.ORDER_PAYMENT_TIMEOUT * 1000) / 4)),
      async run() {
        while ((await orders.expireDue(anonymous)) > 0);
      },
    },
    {
      name: 'purge-idempotency-keys',
      intervalMs: 3_600_000,
      run: () => createIdempotency({ db: adapters.database.db }).purgeExpired(),
    },
  ],
});
