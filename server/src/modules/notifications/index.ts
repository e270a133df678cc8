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
