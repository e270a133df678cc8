import { z } from 'zod';
import { GatewayError, type GatewayEvent, type Intent, type Ledger } from '../../gateway/ledger.js';
import { InvalidSignature, signatureHeader, verifySignature } from '../../gateway/signature.js';
import {
  InvalidWebhook,
  ProviderRefused,
  ProviderUnavailable,
  type PaymentProvider,
  type ProviderEvent,
} from './provider.js';

/** What the store asks of the local gateway: the part of its server-side API the adapter uses. */
export type GatewayApi = Pick<Ledger, 'createIntent' | 'cancel' | 'refund'>;

/**
 * The gateway's answers that say no for good (a refund of more than is left, of an unpaid intent):
 * the same call would get the same answer. Anything else (5xx, 429, a wrong key, no answer) may
 * pass, and is tried again.
 */
const refusals = new Set([400, 402, 404, 409, 422]);

/** The gateway in the store's process refuses with a GatewayError; over HTTP, with its status. */
async function refusedOrRethrown<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof GatewayError && refusals.has(error.status)) {
      throw new ProviderRefused(error.message, error.code);
    }
    throw error;
  }
}

/** The gateway in its own process, over HTTP with the secret key. */
export function gatewayOverHttp(baseUrl: string, apiKey: string, timeoutMs = 10_000): GatewayApi {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(path: string, body: unknown, idempotencyKey?: string | null): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderUnavailable(`the payment gateway did not answer: ${String(error)}`);
    }
    const answer = (await response.json().catch(() => null)) as
      (T & { detail?: string; code?: string }) | null;
    if (!response.ok || !answer) {
      if (refusals.has(response.status) && answer?.detail) {
        throw new ProviderRefused(
          `the payment gateway refused (${response.status}): ${answer.detail}`,
          answer.code ?? null,
        );
      }
      throw new ProviderUnavailable(
        `the payment gateway answered ${response.status}: ${answer?.detail ?? 'no detail'}`,
      );
    }
    return answer;
  }
  return {
    createIntent: ({ idempotencyKey, ...body }) =>
      call<Intent>('/api/intents', body, idempotencyKey),
    cancel: (id) => call<Intent>(`/api/intents/${encodeURIComponent(id)}/cancel`, {}),
    refund: ({ idempotencyKey, ...body }) =>
      call<{ id: string; amount: number; status: 'succeeded' }>(
        '/api/refunds',
        body,
        idempotencyKey,
      ),
  };
}

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({
    object: z.object({
      id: z.string().min(1),
      amount: z.number().int(),
      currency: z.string(),
      metadata: z.record(z.string(), z.string()).default({}),
      paymentMethod: z.string().nullable().default(null),
      lastPaymentError: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .default(null),
    }),
  }),
});

/** The local gateway as a payment provider. */
export function createLocalProvider(options: {
  gateway: GatewayApi;
  webhookSecret: string;
}): PaymentProvider {
  const { gateway } = options;
  return {
    name: 'local',

    async createIntent(input) {
      const intent = await gateway.createIntent({
        amount: input.amount,
        currency: input.currency,
        metadata: { orderId: input.orderId },
        returnUrl: input.returnUrl,
        idempotencyKey: input.idempotencyKey,
      });
      return { reference: intent.id, clientSecret: intent.clientSecret };
    },

    async cancelIntent(reference) {
      await gateway.cancel(reference);
    },

    parseWebhook(rawBody, headers) {
      const header = headers[signatureHeader];
      try {
        verifySignature(options.webhookSecret, rawBody, Array.isArray(header) ? header[0] : header);
      } catch (error) {
        if (error instanceof InvalidSignature) throw new InvalidWebhook(error.message);
        throw error;
      }
      let parsed: z.infer<typeof eventSchema>;
      try {
        parsed = eventSchema.parse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        throw new InvalidWebhook('The webhook body is not a gateway event.');
      }
      const intent = parsed.data.object;
      const common = {
        id: parsed.id,
        reference: intent.id,
        orderId: intent.metadata.orderId ?? null,
        amount: intent.amount,
        currency: intent.currency,
        raw: parsed,
      };
      const type = parsed.type as GatewayEvent['type'] | string;
      if (type === 'payment_intent.succeeded') {
        return { ...common, type: 'payment_succeeded', paymentMethod: intent.paymentMethod };
      }
      if (type === 'payment_intent.payment_failed') {
        return {
          ...common,
          type: 'payment_failed',
          failureCode: intent.lastPaymentError?.code ?? 'card_declined',
          failureMessage: intent.lastPaymentError?.message ?? 'The card was declined.',
        } satisfies ProviderEvent;
      }
      return { id: parsed.id, type: 'other', providerType: parsed.type, raw: parsed };
    },

    async refund(input) {
      const refund = await refusedOrRethrown(
        gateway.refund({
          intentId: input.reference,
          amount: input.amount,
          idempotencyKey: input.idempotencyKey,
        }),
      );
      return { reference: refund.id };
    },
  };
}
