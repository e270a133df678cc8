import { inDependencyOrder, type Platform } from '../platform/module.js';
import { accountsModule } from './accounts/index.js';
import { auditModule } from './audit/index.js';
import { cartModule } from './cart/index.js';
import { catalogModule } from './catalog/index.js';
import { eventsModule } from './events/index.js';
import { inventoryModule } from './inventory/index.js';
import { notificationsModule } from './notifications/index.js';
import { ordersModule } from './orders/index.js';
import { paymentsModule } from './payments/index.js';
import { pricingModule } from './pricing/index.js';

/**
 * Every commerce module, in dependency order: a module's services may use those listed before it,
 * and the compiler refuses a module listed before one it requires. Adding a module is one folder
 * and one line here (and its tables in `platform/db/schema.ts`).
 */
const store = inDependencyOrder()
  .add(inventoryModule)
  .add(catalogModule)
  .add(pricingModule)
  .add(cartModule)
  .add(accountsModule)
  .add(paymentsModule)
  .add(ordersModule)
  .add(notificationsModule)
  .add(eventsModule)
  .add(auditModule);

export const modules = store.modules;

/** Every module's services, by name. */
export type Services = ReturnType<typeof store.createServices>;

export function createServices(platform: Platform): Services {
  return store.createServices(platform);
}
