import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { challengePage } from './challenge-page.js';
import { createIntents, type Answer, type CardDetails } from './intents.js';
import { webhookSender } from './webhooks.js';

/**
 * Stand-ins of Stripe.js and of the part of Stripe's API a store on PaymentIntents uses, served by
 * the store itself when STRIPE_STAND_IN is on (tests and demos without the internet; never in
 * production). Paths are Stripe's own, on the store's origin:
 *
 * - server side, with the secret key (the official SDK, STRIPE_API_URL = the store): create,
 *   retrieve and cancel a PaymentIntent, create a refund; POSTs honour Idempotency-Key;
 * - browser side, with the publishable key and the client secret (the stand-in Stripe.js):
 *   retrieve and confirm a PaymentIntent;
 * - `/stripe-stand-in/stripe.js` (the script) and `/stripe-stand-in/3ds/:id` (a bank's 3-D Secure
 *   page, for a challenge shown by redirect);
 * - Stripe's webhooks, signed with STRIPE_WEBHOOK_SECRET, sent to the store's Stripe endpoint.
 */
export interface StripeStandInOptions {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Where Stripe's webhooks go: the store's `/api/v1/webhooks/payments/stripe`. */
  webhookUrl: string;
  /** How long a processing payment takes to settle (default 3 s). */
  settleAfterMs?: number;
}

/** The stand-in of Stripe.js: modules in browser/, bundled into one classic script as Stripe's is. */
async function bundledScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'browser', 'stripe.js')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
const formType = 'application/x-www-form-urlencoded';

type Form = URLSearchParams;
const formOf = (request: FastifyRequest): Form =>
  request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
const send = (reply: FastifyReply, answer: Answer) => reply.code(answer.status).send(answer.body);
const invalidKey = (reply: FastifyReply, what: string) =>
  reply.code(401).send({
    error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${what}` },
  });

const cardOf = (form: Form): CardDetails => ({
  number: (form.get('payment_method_data[card][number]') ?? '').replace(/\s/g, ''),
  expMonth: Number(form.get('payment_method_data[card][exp_month]')),
  expYear: Number(form.get('payment_method_data[card][exp_year]')),
  cvc: form.get('payment_method_data[card][cvc]') ?? '',
});

export async function stripeStandIn(app: FastifyInstance, options: StripeStandInOptions) {
  const intents = createIntents({
    announce: webhookSender({
      url: options.webhookUrl,
      secret: options.webhookSecret,
      log: (line) => app.log.warn(`stripe stand-in: ${line}`),
    }),
    ...(options.settleAfterMs !== undefined ? { settleAfterMs: options.settleAfterMs } : {}),
  });
  const answered = new Map<string, Answer>();
  const script = await bundledScript();

  if (app.hasContentTypeParser(formType)) app.removeContentTypeParser(formType);
  app.addContentTypeParser(formType, { parseAs: 'string' }, (_request, body, done) =>
    done(null, new URLSearchParams(body as string)),
  );

  const secretKey = `Bearer ${options.secretKey}`;
  const withSecretKey =
    (handle: (request: FastifyRequest<{ Params: { id: string } }>) => Answer) =>
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      if (request.headers.authorization !== secretKey) return invalidKey(reply, 'sk_***');
      // Stripe answers a repeated Idempotency-Key with the first answer.
      const key = request.headers['idempotency-key'];
      const remembered = typeof key === 'string' ? `${request.url}\n${key}` : null;
      const answer = (remembered && answered.get(remembered)) || handle(request);
      if (remembered) answered.set(remembered, answer);
      return send(reply, answer);
    };
  const withPublishableKey = (key: string | null | undefined, reply: FastifyReply) => {
    if (key === options.publishableKey) return true;
    void invalidKey(reply, key ?? '(none)');
    return false;
  };

  app.post(
    '/v1/payment_intents',
    withSecretKey((request) => intents.create(formOf(request))),
  );
  app.post(
    '/v1/payment_intents/:id/cancel',
    withSecretKey((request) =>
      intents.cancel(request.params.id, formOf(request).get('cancellation_reason')),
    ),
  );
  app.post(
    '/v1/refunds',
    withSecretKey((request) => intents.refund(formOf(request))),
  );
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
    '/v1/payment_intents/:id',
    async (request, reply) => {
      if (request.headers.authorization)
        return withSecretKey((r) => intents.retrieve(r.params.id))(request, reply);
      if (!withPublishableKey(request.query.key, reply)) return reply;
      return send(reply, intents.retrieveBySecret(request.params.id, request.query.client_secret));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/payment_intents/:id/confirm',
    async (request, reply) => {
      const form = formOf(request);
      if (!withPublishableKey(form.get('key'), reply)) return reply;
      const type = form.get('payment_method_data[type]');
      const returnUrl = form.get('return_url');
      // A redirect comes back to the page that asked for it, never to another site.
      if (returnUrl && new URL(returnUrl, 'http://x').host !== request.headers.host)
        return send(reply, {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'url_invalid',
              message: 'The return_url must be on this site.',
              param: 'return_url',
            },
          },
        });
      return send(
        reply,
        intents.confirm(
          request.params.id,
          form.get('client_secret') ?? undefined,
          type === 'card' ? { card: cardOf(form) } : { wallet: type ?? 'link' },
          returnUrl,
        ),
      );
    },
  );

  app.get('/stripe-stand-in/stripe.js', async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(script),
  );

  app.get<{ Params: { id: string }; Querystring: { client_secret?: string } }>(
    '/stripe-stand-in/3ds/:id',
    async (request, reply) => {
      const intent = intents.intents.get(request.params.id);
      if (!intent || intent.client_secret !== request.query.client_secret)
        return reply.code(404).type('text/plain').send('No such payment.');
      return reply.type('text/html; charset=utf-8').send(challengePage(intent));
    },
  );

  /** The shopper's answer: JSON for the challenge shown in the page, a redirect for the bank's page. */
  app.post<{ Params: { id: string } }>('/stripe-stand-in/3ds/:id', async (request, reply) => {
    const form = formOf(request);
    const intent = intents.intents.get(request.params.id);
    const returnTo =
      intent?.next_action?.type === 'redirect_to_url'
        ? intent.next_action.redirect_to_url.return_url
        : null;
    const answer = intents.authenticate(
      request.params.id,
      form.get('client_secret') ?? undefined,
      form.get('outcome') === 'complete',
    );
    if (!returnTo || answer.status !== 200) return send(reply, answer);
    // Stripe comes back to return_url with these three parameters.
    const back = new URL(returnTo);
    back.searchParams.set('payment_intent', request.params.id);
    back.searchParams.set('payment_intent_client_secret', form.get('client_secret') ?? '');
    back.searchParams.set(
      'redirect_status',
      intent?.status === 'succeeded' ? 'succeeded' : 'failed',
    );
    return reply.code(303).header('location', back.toString()).send();
  });
}
