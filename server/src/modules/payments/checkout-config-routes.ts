import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CheckoutConfig } from './checkout-config.js';

const checkoutConfigSchema = z
  .object({
    provider: z.enum(['local', 'stripe']).meta({ description: 'Who takes the payment' }),
    stripePublishableKey: z
      .string()
      .nullable()
      .meta({ description: "Stripe's publishable key for Stripe.js; null on the local gateway" }),
    testMode: z.boolean().meta({
      description: 'No real money moves: the storefront shows a test-store banner',
    }),
    stripeJsUrl: z.string().nullable().meta({
      description:
        "Where to load Stripe.js from: null for Stripe's own; a path on this origin when the store serves a stand-in of it (tests without the internet)",
    }),
  })
  .meta({ id: 'CheckoutConfig' });

/**
 * The payment settings a browser needs, read from the server's configuration at run time, so one
 * storefront build serves a test store and a live one.
 */
export async function checkoutConfigRoutes(
  app: FastifyInstance,
  options: { checkoutConfig: CheckoutConfig },
) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/checkout-config',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['checkout'],
        operationId: 'getCheckoutConfig',
        summary: 'How this store takes payments: the provider, its public key, test mode',
        description:
          'Public and the same for every shopper. The storefront loads Stripe.js only when `provider` is `stripe`, with `stripePublishableKey`, and shows a test-store banner when `testMode` is true.',
        response: { 200: checkoutConfigSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return options.checkoutConfig;
    },
  );
}
