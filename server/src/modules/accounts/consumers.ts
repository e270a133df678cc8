import type { Logger } from 'pino';
import { consumeOnce } from '../../platform/bus/consumer.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import type { Db } from '../../platform/db/index.js';
import type { AccountService } from './service.js';

/** The accounts module's consumers: reset requests become one-time links, once per request. */
export async function startAccountConsumers(
  deps: { db: Db; bus: MessageBus; logger: Logger },
  accounts: AccountService,
): Promise<Subscription[]> {
  return [
    await consumeOnce(
      deps,
      'accounts-password-reset',
      ['password_reset_requested'],
      async (tx, event) => {
        const { email } = event.data as { email: string };
        const outcome = await accounts.issuePasswordReset(tx, email);
        if (outcome === 'throttled')
          deps.logger.info({ eventId: event.id }, 'password reset throttled');
      },
    ),
  ];
}
