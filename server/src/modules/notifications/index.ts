/**
 * The notifications module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export {
  createNotificationsModule,
  notificationsModule,
  type NotificationsModuleOptions,
} from './module.js';
export type { NotificationService } from './service.js';
/** What a delivery fails with: the bus retries both, and tests tell them from other failures. */
export { DeliveryInProgress, EmailNotSent } from './delivery.js';
