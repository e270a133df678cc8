import type { Logger } from 'pino';
import { consume } from '../../platform/bus/consumer.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import type { Db } from '../../platform/db/index.js';
import { passwordResetRequested } from './events.js';
import type { AccountService } from './service.js';

/** The accounts module's consumers: reset requests become one-time links, once per request. */
export async function startAccountConsumers(
  deps: { db: Db; bus: MessageBus; logger: Logger },
  accounts: AccountService,
): Promise<Subscription[]> {
  return [
    await consume(
      deps.bus,
      { name: 'accounts-password-reset', events: [passwordResetRequested], inbox: deps.db },
      async ({ ctx, envelope, data }) => {
        const outcome = await accounts.issuePasswordReset(ctx, data.email);
        if (outcome === 'throttled')
          deps.logger.info({ eventId: envelope.id }, 'password reset throttled');
      },
    ),
  ];
}
