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

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      requests.push({ path, authorization: request.headers.authorization });
      const key = request.headers['idempotency-key'] as string | undefined;
      const answer =
        (key && answered.get(`${path}:${key}`)) ||
        handle(path, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      if (key) answered.set(`${path}:${key}`, answer);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  return { server, intents, requests };
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
