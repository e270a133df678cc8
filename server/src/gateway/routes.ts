import { timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkCard, type CardInput } from './cards.js';
import { GatewayError, type Intent, type Ledger } from './ledger.js';
import { payPage, payPageHeaders, payPageHeadersFor, type PayForm } from './pay-page.js';

export interface GatewayRoutesOptions {
  ledger: Ledger;
  /** Called after a charge is recorded, so its webhook goes out now rather than at the next poll. */
  onCharge: () => void;
  /** The secret key the store's server uses for the server-side API (`Authorization: Bearer …`). */
  apiKey: string;
}

// Everything here is the gateway's own: the store's authentication does not apply to it.
const open = { auth: 'public' } as const;
const hidden = { hide: true } as const;

const problem = (reply: FastifyReply, status: number, code: string, detail: string, extra = {}) =>
  reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: detail, status, code, detail, ...extra });

const publicIntent = ({ clientSecret: _secret, ...intent }: Intent) => intent;

const cardBody = z.object({
  clientSecret: z.string().min(1).max(200),
  cardNumber: z.string().max(40),
  expMonth: z.coerce.number().int(),
  expYear: z.coerce.number().int(),
  cvc: z.string().max(8),
});

/**
 * The local gateway's HTTP face: the server-side API the store calls with its secret key (create an
 * intent, read it, refund it), the browser-side confirmation by client secret, and the hosted card
 * page. Registered at `/gateway` inside the store in embedded mode, or at the root of its own process.
 */
export async function gatewayRoutes(app: FastifyInstance, options: GatewayRoutesOptions) {
  const { ledger } = options;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(formbody);
  app.setErrorHandler(
    (error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
      if (error instanceof GatewayError)
        return problem(reply, error.status, error.code, error.message);
      if (error.validation) return problem(reply, 400, 'validation_failed', error.message);
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) reply.log.error({ err: error }, 'gateway error');
      return problem(
        reply,
        status,
        status === 500 ? 'internal' : 'bad_request',
        status === 500 ? 'Something went wrong.' : error.message,
      );
    },
  );

  const expected = Buffer.from(`Bearer ${options.apiKey}`);
  function requireKey(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      void problem(reply, 401, 'invalid_api_key', 'A valid secret key is required.');
      return;
    }
    done();
  }

  const api = app.withTypeProvider<ZodTypeProvider>();
  const withKey = { config: open, onRequest: requireKey };
  const idempotencyHeader = z.object({ 'idempotency-key': z.string().min(1).max(255).optional() });

  api.post(
    '/api/intents',
    {
      ...withKey,
      schema: {
        ...hidden,
        headers: idempotencyHeader,
        body: z.object({
          amount: z.number().int().positive().max(100_000_000),
          currency: z
            .string()
            .max(3, { abort: true })
            .regex(/^[A-Z]{3}$/),
          metadata: z.record(z.string(), z.string().max(500)).optional(),
          returnUrl: z.url({ protocol: /^https?$/ }).optional(),
        }),
      },
    },
    async (request, reply) => {
      const intent = await ledger.createIntent({
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
      });
      return reply.code(200).send(intent);
    },
  );

  api.get(
    '/api/intents/:id',
    { ...withKey, schema: { ...hidden, params: z.object({ id: z.string().max(100) }) } },
    async (request, reply) => {
      const intent = await ledger.intent(request.params.id);
      return intent ? intent : problem(reply, 404, 'intent_not_found', 'No such payment.');
    },
  );

  api.post(
    '/api/intents/:id/cancel',
    { ...withKey, schema: { ...hidden, params: z.object({ id: z.string().max(100) }) } },
    async (request) => ledger.cancel(request.params.id),
  );

  api.post(
    '/api/refunds',
    {
      ...withKey,
      schema: {
        ...hidden,
        headers: idempotencyHeader,
        body: z.object({
          intentId: z.string().max(100),
          amount: z.number().int().positive().optional(),
        }),
      },
    },
    async (request) =>
      ledger.refund({
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
      }),
  );

  /** The browser side: the client secret is the only credential, as with a real provider. */
  async function confirm(card: CardInput & { clientSecret: string }) {
    const intent = await ledger.intentBySecret(card.clientSecret);
    if (!intent) throw new GatewayError(404, 'intent_not_found', 'No such payment.');
    const cardProblem = checkCard(card);
    if (cardProblem) return { intent, cardProblem };
    const charged = await ledger.confirm(card.clientSecret, card);
    options.onCharge();
    return { intent: charged.intent, outcome: charged.outcome, cardProblem: null };
  }

  api.post(
    '/api/confirm',
    { config: open, schema: { ...hidden, body: cardBody } },
    async (request, reply) => {
      const result = await confirm(request.body);
      if (result.cardProblem) {
        return problem(reply, 422, result.cardProblem.code, result.cardProblem.message, {
          field: result.cardProblem.field,
        });
      }
      const { outcome, intent } = result;
      return {
        status: outcome?.status,
        ...(outcome?.status === 'declined'
          ? { declineCode: outcome.declineCode, message: outcome.message }
          : {}),
        paymentIntent: publicIntent(intent),
      };
    },
  );

  const secretParams = z.object({ clientSecret: z.string().min(1).max(200) });

  api.get(
    '/pay/:clientSecret',
    { config: open, schema: { ...hidden, params: secretParams } },
    async (request, reply) => {
      const intent = await ledger.intentBySecret(request.params.clientSecret);
      if (!intent)
        return reply
          .code(404)
          .headers(payPageHeaders)
          .send('<!doctype html><title>Not found</title><p>No such payment.</p>');
      return reply.headers(payPageHeadersFor(intent)).send(payPage(intent));
    },
  );

  api.post(
    '/pay/:clientSecret',
    {
      config: open,
      schema: {
        ...hidden,
        params: secretParams,
        body: z.object({
          cardNumber: z.string().max(40).default(''),
          expMonth: z.string().max(4).default(''),
          expYear: z.string().max(4).default(''),
          cvc: z.string().max(8).default(''),
        }),
      },
    },
    async (request, reply) => {
      const form: PayForm = request.body;
      const existing = await ledger.intentBySecret(request.params.clientSecret);
      if (!existing)
        return reply
          .code(404)
          .headers(payPageHeaders)
          .send('<!doctype html><title>Not found</title><p>No such payment.</p>');
      if (existing.status !== 'requires_payment_method')
        return reply.headers(payPageHeadersFor(existing)).send(payPage(existing));
      const result = await confirm({
        clientSecret: request.params.clientSecret,
        cardNumber: request.body.cardNumber,
        expMonth: Number(request.body.expMonth),
        expYear: Number(request.body.expYear),
        cvc: request.body.cvc,
      });
      if (result.cardProblem) {
        return reply
          .code(422)
          .headers(payPageHeadersFor(result.intent))
          .send(payPage(result.intent, { form, problem: result.cardProblem }));
      }
      if (result.outcome?.status === 'declined') {
        return reply
          .code(402)
          .headers(payPageHeadersFor(result.intent))
          .send(
            payPage(result.intent, {
              form: { ...form, cvc: '' },
              declined: result.outcome.message ?? 'The card was declined.',
            }),
          );
      }
      if (result.intent.returnUrl) {
        const back = new URL(result.intent.returnUrl);
        back.searchParams.set('payment', 'succeeded');
        return reply.code(303).header('location', back.toString()).send();
      }
      return reply.headers(payPageHeadersFor(result.intent)).send(payPage(result.intent));
    },
  );
}
