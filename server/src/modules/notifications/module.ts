import type { SubscribeOptions } from '../../platform/bus/port.js';
import { apiPrefix, defineModule } from '../../platform/module.js';
import { createResetTokens, resetTokenKey } from '../accounts/index.js';
import type { CatalogService } from '../catalog/index.js';
import { accessTokenKey, createAccessTokens } from '../orders/index.js';
import { defaultEmailRetry, startNotificationConsumers } from './consumers.js';
import { createDelivery } from './delivery.js';
import type { Brand } from './html.js';
import { createMailer } from './mailer.js';
import { notificationRoutes } from './routes.js';
import { createNotificationService, type NotificationService } from './service.js';

export interface NotificationsModuleOptions {
  /** How the bus retries a failed email (tests use short delays). */
  retry?: SubscribeOptions;
}

/** The store's name in emails: the display name of MAIL_FROM ("Stride <orders@…>"). */
const storeNameOf = (from: string) => /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1] ?? 'Stride';

/**
 * Emails: the mailer (SMTP or the dev mailbox), the templates, delivery once per event, and the
 * admin view of every email sent or attempted.
 */
export function createNotificationsModule(options: NotificationsModuleOptions = {}) {
  return defineModule<{ notifications: NotificationService }, { catalog: CatalogService }>({
    name: 'notifications',
    createServices: ({ config, adapters, logger }) => {
      const db = adapters.database.db;
      const mailer = createMailer(config, logger);
      const brand: Brand = {
        storeName: storeNameOf(config.MAIL_FROM),
        publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
        orderAccessToken: createAccessTokens(accessTokenKey(config)).issue,
        passwordResetToken: createResetTokens(resetTokenKey(config)).issue,
      };
      const delivery = createDelivery({
        db,
        mailer,
        brand,
        logger,
        leaseSeconds: config.EMAIL_SEND_LEASE,
      });
      return { notifications: createNotificationService({ db, mailer, delivery }) };
    },
    routes: (app, _platform, { notifications }) =>
      app.register(notificationRoutes, {
        prefix: apiPrefix,
        notifications,
      }) as unknown as Promise<void>,
    consumers: ({ config, adapters, logger }, { notifications, catalog }) =>
      startNotificationConsumers(
        { bus: adapters.bus, delivery: notifications.delivery, catalog, logger },
        {
          ...defaultEmailRetry,
          maxAttempts: config.EMAIL_RETRIES,
          retryDelayMs: config.EMAIL_RETRY_DELAY_MS,
          ...options.retry,
        },
      ),
  });
}

export const notificationsModule = createNotificationsModule();
