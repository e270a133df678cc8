import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../platform/db/index.js';
import { createLedger, ensureGatewaySchema, type Ledger } from './ledger.js';
import { gatewayRoutes } from './routes.js';
import { startWebhookSender, type WebhookSender } from './webhook-sender.js';

export interface GatewayOptions {
  db: Db;
  apiKey: string;
  webhookUrl: string;
  webhookSecret: string;
  logger: Logger;
  /** Sender tuning (tests retry faster). */
  retryDelayMs?: number;
  pollMs?: number;
}

/**
 * The local payment gateway: its books (in its own `gateway` schema), its HTTP face and its webhook
 * sender. Inside the store in embedded mode, or on its own with `npm run start:gateway`.
 */
export function createGateway(options: GatewayOptions) {
  const ready = ensureGatewaySchema(options.db);
  // Keep start-up going; the first use reports a failure.
  ready.catch(() => {});
  const ledger = createLedger(options.db);
  let sender: WebhookSender | undefined;

  /** Every call waits until the gateway's tables exist. */
  const whenReady =
    <Args extends unknown[], Result>(fn: (...args: Args) => Promise<Result>) =>
    async (...args: Args) => {
      await ready;
      return fn(...args);
    };
  const books: Ledger = {
    createIntent: whenReady(ledger.createIntent),
    intent: whenReady(ledger.intent),
    intentBySecret: whenReady(ledger.intentBySecret),
    confirm: whenReady(ledger.confirm),
    cancel: whenReady(ledger.cancel),
    refund: whenReady(ledger.refund),
  };

  return {
    ledger: books,
    ready,
    /** Serve the gateway's routes under `prefix` and send its webhooks while `app` runs. */
    async mount(app: FastifyInstance, prefix: string) {
      await app.register(gatewayRoutes, {
        prefix,
        ledger: books,
        apiKey: options.apiKey,
        onCharge: () => sender?.kick(),
      });
      app.addHook('onReady', async () => {
        await ready;
        sender = startWebhookSender({
          db: options.db,
          url: options.webhookUrl,
          secret: options.webhookSecret,
          logger: options.logger.child({ component: 'gateway-webhooks' }),
          ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
          ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
        });
      });
      app.addHook('onClose', async () => {
        await sender?.stop();
      });
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
