import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/http/problem.js';
import type { PaymentService } from './service.js';

/**
 * The providers' webhooks. The signature is computed over the exact bytes sent, so this route keeps
 * the raw body: its JSON parser hands the handler a Buffer, and the provider adapter parses it.
 */
export async function paymentRoutes(app: FastifyInstance, options: { payments: PaymentService }) {
  const { payments } = options;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: 256 * 1024 },
    (_request, body, done) => done(null, body),
  );
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/webhooks/payments/:provider',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['payments'],
        operationId: 'receivePaymentWebhook',
        summary: "A payment provider's signed event (payment succeeded or failed)",
        description:
          'The signature is checked over the raw body (local gateway: `x-gateway-signature: t=…,v1=…`, HMAC-SHA256 of `t.body`, 5-minute tolerance; Stripe: `stripe-signature`). Each provider event id is processed once: a repeat answers 200 with `duplicate: true` and changes nothing. The event is recorded and queued before the answer; the order changes a moment later.',
        params: z.object({ provider: z.string().max(40) }),
        response: {
          200: z.object({ received: z.literal(true), duplicate: z.boolean() }),
          ...problemResponses(400, 404, 413, 415),
        },
      },
    },
    async (request) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const { duplicate } = await payments.receiveWebhook(
        request.params.provider,
        body,
        request.headers,
      );
      return { received: true as const, duplicate };
    },
  );
}
