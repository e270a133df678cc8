import type { Platform, StoreModule } from '../platform/module.js';
import { accountsModule } from './accounts/module.js';
import { auditModule } from './audit/module.js';
import { cartModule } from './cart/module.js';
import { catalogModule } from './catalog/module.js';
import { eventsModule } from './events/module.js';
import { inventoryModule } from './inventory/module.js';
import { notificationsModule } from './notifications/module.js';
import { ordersModule } from './orders/module.js';
import { paymentsModule } from './payments/module.js';
import { pricingModule } from './pricing/module.js';

/**
 * Every commerce module, in dependency order: a module's services may use those listed before it.
 * Adding a module is one folder and one line here (and its tables in `platform/db/schema.ts`).
 */
export const modules = [
  catalogModule,
  inventoryModule,
  pricingModule,
  cartModule,
  accountsModule,
  paymentsModule,
  ordersModule,
  notificationsModule,
  eventsModule,
  auditModule,
] as const;

type AnyModule = StoreModule<object, never>;
type Provided<M> = M extends StoreModule<infer P, never> ? P : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

/** Every module's services, by name. */
export type Services = Intersection<Provided<(typeof modules)[number]>>;

export function createServices(platform: Platform): Services {
  const services: Record<string, unknown> = {};
  for (const module of modules as readonly AnyModule[]) {
    Object.assign(services, module.createServices(platform, services as never));
  }
  return services as Services;
}
