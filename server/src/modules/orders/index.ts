/**
 * The orders module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { ordersModule } from './module.js';
export type { OrderService } from './service.js';
export type { Checkout, CheckoutCarts } from './checkout.js';
export {
  cancelReasons,
  orderCancelled,
  orderCreated,
  orderFulfilled,
  orderRefunded,
  type CancelReason,
} from './events.js';
/** An order's access links: the notifications module issues them in its emails. */
export { accessTokenKey, createAccessTokens } from './view.js';
export type { AdminOrder, Order } from './schemas.js';
