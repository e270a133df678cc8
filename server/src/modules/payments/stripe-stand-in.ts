import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Stripe from 'stripe';

/**
 * A stand-in for the three Stripe API calls the adapter makes (create and cancel a PaymentIntent,
 * create a refund), keeping their state and honouring Idempotency-Key as Stripe does, so the
 * official SDK can be tested without the internet. Webhooks are signed with the SDK's own helper.
 */
export const webhookSecret = 'whsec_test_0123456789abcdef';
export const sign = (payload: string, timestamp?: number) =>
  new Stripe('sk_test_x').webhooks.generateTestHeaderString({
    payload,
    secret: webhookSecret,
    ...(timestamp ? { timestamp } : {}),
  });

export interface StandInIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
}

export function stripeStandIn() {
  const intents = new Map<string, StandInIntent>();
  const refunded = new Map<string, number>();
  const answered = new Map<string, { status: number; body: unknown }>();
  const requests: { path: string; authorization: string | undefined }[] = [];
  const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

  function handle(path: string, form: URLSearchParams): { status: number; body: unknown } {
    if (path === '/v1/payment_intents') {
      const intent: StandInIntent = {
        id: id('pi'),
        object: 'payment_intent',
        amount: Number(form.get('amount')),
        amount_received: 0,
        currency: form.get('currency') ?? '',
        status: 'requires_payment_method',
        client_secret: '',
        metadata: { orderId: form.get('metadata[orderId]') ?? '' },
      };
      intent.client_secret = `${intent.id}_secret_${randomBytes(8).toString('hex')}`;
      intents.set(intent.id, intent);
      return { status: 200, body: intent };
    }
    const cancel = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    if (cancel) {
      const intent = intents.get(cancel[1] ?? '');
      if (!intent) return { status: 404, body: { error: { type: 'invalid_request_error' } } };
      intent.status = 'canceled';
      return { status: 200, body: intent };
    }
    if (path === '/v1/refunds') {
      const intent = intents.get(form.get('payment_intent') ?? '');
      const amount = Number(form.get('amount'));
      const done = refunded.get(intent?.id ?? '') ?? 0;
      if (intent && done >= intent.amount) {
        // Stripe's answer when the money already went back (from the dashboard, say).
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'charge_already_refunded',
              message: `Charge ch_${intent.id.slice(3)} has already been refunded.`,
            },
          },
        };
      }
      if (!intent || intent.status !== 'succeeded' || done + amount > intent.amount) {
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'cannot refund' } },
        };
      }
      refunded.set(intent.id, done + amount);
      return { status: 200, body: { id: id('re'), object: 'refund', amount, status: 'succeeded' } };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error' } } };
  }

  /** Calls still to fail, by path: Stripe having an incident (500, `api_error`). */
  const outages = new Map<string, number>();

  /** The next `times` calls to `path` answer 500, as Stripe does during an incident. */
  function failNext(path: string, times: number) {
    outages.set(path, times);
  }

  /**
   * Money given back outside the store (Stripe's dashboard): Stripe's books change, and the charge
   * as Stripe's `charge.refunded` event shows it is returned, for a test to send.
   */
  function refundOutside(intentId: string, amount: number) {
    const intent = intents.get(intentId);
    if (!intent) throw new Error(`no intent ${intentId}`);
    const done = (refunded.get(intentId) ?? 0) + amount;
    refunded.set(intentId, done);
    return {
      id: `ch_${intentId.slice(3)}`,
      object: 'charge',
      amount: intent.amount,
      amount_refunded: done,
      currency: intent.currency,
      payment_intent: intentId,
      refunded: done >= intent.amount,
      status: 'succeeded',
    };
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      requests.push({ path, authorization: request.headers.authorization });
      const down = outages.get(path) ?? 0;
      if (down > 0) {
        outages.set(path, down - 1);
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { type: 'api_error', message: 'Stripe is down.' } }));
        return;
      }
      const key = request.headers['idempotency-key'] as string | undefined;
      const answer =
        (key && answered.get(`${path}:${key}`)) ||
        handle(path, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      if (key) answered.set(`${path}:${key}`, answer);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  return { server, intents, requests, failNext, refundOutside };
}

export const eventBody = (type: string, object: Record<string, unknown>, eventId?: string) =>
  Buffer.from(
    JSON.stringify({
      id: eventId ?? `evt_${randomBytes(6).toString('hex')}`,
      object: 'event',
      type,
      data: { object },
    }),
  );
