import { contextFor } from '../../platform/context.js';
import { resolveJwtSecret } from '../../platform/secrets.js';
import { apiPrefix, defineModule } from '../../platform/module.js';
import type { CartService } from '../cart/index.js';
import { createAddressBook, type AddressBook } from './addresses.js';
import { adminAccountRoutes } from './admin-routes.js';
import { startAccountConsumers } from './consumers.js';
import { createResetTokens, resetTokenKey } from './reset-links.js';
import { accountRoutes } from './routes.js';
import { createAccountService, type AccountService } from './service.js';

/** Customers and administrators: sign-up, sign-in, sessions, password reset, profile, address book. */
export const accountsModule = defineModule<
  { accounts: AccountService; addresses: AddressBook },
  { cart: CartService }
>({
  name: 'accounts',
  createServices: ({ config, adapters }) => ({
    accounts: createAccountService({
      db: adapters.database.db,
      cache: adapters.cache,
      jwtSecret: resolveJwtSecret(config),
      accessTtlSeconds: config.ACCESS_TOKEN_TTL,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL,
      loginFailureLimit: config.LOGIN_FAILURE_LIMIT,
      resetTokens: createResetTokens(resetTokenKey(config)),
    }),
    addresses: createAddressBook({ db: adapters.database.db }),
  }),
  routes: async (app, { config }, services) => {
    await app.register(accountRoutes, {
      prefix: apiPrefix,
      accounts: services.accounts,
      addresses: services.addresses,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL,
      authRateLimit: config.AUTH_RATE_LIMIT,
      secureCookies: config.NODE_ENV === 'production' || config.PUBLIC_URL.startsWith('https:'),
      onSignedIn: (actor, { cartId }) => services.cart.mergeGuestCart(contextFor(actor), cartId),
    });
    await app.register(adminAccountRoutes, { prefix: apiPrefix, accounts: services.accounts });
  },
  consumers: ({ adapters, logger }, { accounts }) =>
    startAccountConsumers({ db: adapters.database.db, bus: adapters.bus, logger }, accounts),
});
