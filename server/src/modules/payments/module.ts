import type { Config } from '../../platform/config.js';
import { apiPrefix, defineModule } from '../../platform/module.js';
import { registerPublicPlugin } from '../../platform/http/auth.js';
import { derivedSecret } from '../../platform/secrets.js';
import { createGateway, type Gateway } from '../../gateway/gateway.js';
import type { Db } from '../../platform/db/index.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLocalProvider, gatewayOverHttp } from './local.js';
import type { PaymentProvider } from './provider.js';
import { checkoutConfigOf } from './checkout-config.js';
import { checkoutConfigRoutes } from './checkout-config-routes.js';
import { paymentRoutes } from './routes.js';
import { createPaymentService, type PaymentService } from './service.js';
import { createStripeProvider } from './stripe.js';
import { serveStripeStandIn } from './stripe-stand-in-routes.js';

export const gatewayPrefix = '/gateway';

export interface PaymentsModuleOptions {
  /** The in-store gateway's webhook retry delay (tests use short ones). */
  gatewayRetryDelayMs?: number;
}

/** The provider the configuration names, and the in-store gateway when the local one runs inside. */
function providerFor(
  config: Config,
  db: Db,
  logger: Logger,
  options: PaymentsModuleOptions,
): { provider: PaymentProvider; gateway: Gateway | null } {
  if (config.PAYMENT_PROVIDER === 'stripe') {
    return {
      provider: createStripeProvider({
        secretKey: config.STRIPE_SECRET_KEY as string,
        webhookSecret: config.STRIPE_WEBHOOK_SECRET as string,
        ...(config.STRIPE_API_URL ? { apiUrl: config.STRIPE_API_URL } : {}),
      }),
      gateway: null,
    };
  }
  const apiKey = config.PAYMENT_GATEWAY_KEY ?? derivedSecret(config, 'payment-gateway-key');
  const webhookSecret =
    config.PAYMENT_WEBHOOK_SECRET ?? derivedSecret(config, 'payment-webhook-secret');
  if (config.PAYMENT_GATEWAY_URL) {
    return {
      provider: createLocalProvider({
        gateway: gatewayOverHttp(`${config.PAYMENT_GATEWAY_URL.replace(/\/+$/, '')}`, apiKey),
        webhookSecret,
      }),
      gateway: null,
    };
  }
  const gateway = createGateway({
    db,
    apiKey,
    webhookSecret,
    webhookUrl:
      config.PAYMENT_WEBHOOK_URL ??
      `http://127.0.0.1:${config.PORT}${apiPrefix}/webhooks/payments/local`,
    logger,
    ...(options.gatewayRetryDelayMs !== undefined
      ? { retryDelayMs: options.gatewayRetryDelayMs, pollMs: options.gatewayRetryDelayMs }
      : {}),
  });
  return { provider: createLocalProvider({ gateway: gateway.ledger, webhookSecret }), gateway };
}

/** `/gateway/pay/:clientSecret` here → the same page on the gateway that runs on its own. */
async function redirectToGateway(scope: FastifyInstance, { target }: { target: string }) {
  scope.get<{ Params: { clientSecret: string } }>(
    `${gatewayPrefix}/pay/:clientSecret`,
    { schema: { hide: true } },
    async (request, reply) =>
      reply
        .code(303)
        .header('location', `${target}/pay/${encodeURIComponent(request.params.clientSecret)}`)
        .send(),
  );
}

/**
 * Payments: the provider port (the local gateway or Stripe), intents, webhooks recorded once and
 * queued as `payment_success` / `payment_failed`, and refunds sent to the provider. In embedded
 * mode (no PAYMENT_GATEWAY_URL) the local gateway itself is served under `/gateway`. Refunds and
 * cancelled intents are asked for by the orders module, which comes after it.
 */
export function createPaymentsModule(options: PaymentsModuleOptions = {}) {
  return defineModule<{ payments: PaymentService; paymentGateway: Gateway | null }>({
    name: 'payments',
    createServices: ({ config, adapters, logger }) => {
      const db = adapters.database.db;
      const { provider, gateway } = providerFor(config, db, logger, options);
      return {
        payments: createPaymentService({
          db,
          provider,
          publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
          publicUrlConfigured: config.publicUrlConfigured,
          logger,
        }),
        paymentGateway: gateway,
      };
    },
    routes: async (app, { config }, { payments, paymentGateway }) => {
      await app.register(paymentRoutes, { prefix: apiPrefix, payments });
      await app.register(checkoutConfigRoutes, {
        prefix: apiPrefix,
        checkoutConfig: checkoutConfigOf(config),
      });
      if (config.STRIPE_STAND_IN) await serveStripeStandIn(app, config);
      if (paymentGateway) await paymentGateway.mount(app, gatewayPrefix);
      else if (config.PAYMENT_PROVIDER === 'local' && config.PAYMENT_GATEWAY_URL) {
        // The storefront always sends a shopper to this origin's /gateway/pay/…; with the gateway
        // in its own process, that address passes them on to the gateway's own page.
        const target = (config.PAYMENT_GATEWAY_PUBLIC_URL ?? config.PAYMENT_GATEWAY_URL).replace(
          /\/+$/,
          '',
        );
        await registerPublicPlugin(app, redirectToGateway, { target });
      }
    },
    jobs: (_platform, { payments }) => [
      {
        name: 'retry-pending-refunds',
        intervalMs: 60_000,
        run: () => payments.retryPendingRefunds(),
      },
    ],
  });
}

export const paymentsModule = createPaymentsModule();
