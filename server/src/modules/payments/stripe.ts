import { createRequire } from 'node:module';
import type Stripe from 'stripe';
import {
  InvalidWebhook,
  ProviderRefused,
  ProviderUnavailable,
  type PaymentProvider,
  type ProviderEvent,
} from './provider.js';
import type { DisputeStatus } from './statuses.js';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another API endpoint (a proxy, or a stand-in in tests): http(s)://host:port */
  apiUrl?: string;
}

const hostOf = (apiUrl: string | undefined) => {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  return {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol.replace(':', '') as 'http' | 'https',
  };
};

/** Stripe's words for a decline, kept as the code; its message is already meant for shoppers. */
const failureOf = (intent: Stripe.PaymentIntent) => ({
  failureCode:
    intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'card_declined',
  failureMessage: intent.last_payment_error?.message ?? 'The card was declined.',
});

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/** Stripe's dispute statuses as the store keeps them. */
const disputeStatus = (status: string): DisputeStatus =>
  status === 'won' || status === 'lost' ? status : status === 'warning_closed' ? 'closed' : 'open';

/**
 * The events the store acts on, as the port names them; null for the rest. Every one is about a
 * PaymentIntent the store created (a charge's or a dispute's `payment_intent`); one without it
 * cannot be matched to an order and is recorded only.
 */
function eventOf(event: Stripe.Event): ProviderEvent | null {
  const about = (reference: string, amount: number, currency: string, orderId?: string | null) => ({
    id: event.id,
    reference,
    orderId: orderId ?? null,
    amount,
    currency: currency.toUpperCase(),
    raw: event,
  });
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.processing':
    case 'payment_intent.canceled': {
      const intent = event.data.object;
      const common = about(intent.id, intent.amount, intent.currency, intent.metadata.orderId);
      if (event.type === 'payment_intent.succeeded') {
        return {
          ...common,
          type: 'payment_succeeded',
          amount: intent.amount_received || intent.amount,
          paymentMethod: typeof intent.payment_method === 'string' ? intent.payment_method : null,
        };
      }
      if (event.type === 'payment_intent.payment_failed') {
        return { ...common, type: 'payment_failed', ...failureOf(intent) };
      }
      if (event.type === 'payment_intent.processing')
        return { ...common, type: 'payment_processing' };
      return {
        ...common,
        type: 'payment_canceled',
        cancellationReason: intent.cancellation_reason ?? null,
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const intent = idOf(charge.payment_intent);
      if (!intent) return null;
      return {
        ...about(intent, charge.amount, charge.currency),
        type: 'payment_refunded',
        amountRefunded: charge.amount_refunded,
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      const intent = idOf(dispute.payment_intent);
      if (!intent) return null;
      return {
        ...about(intent, dispute.amount, dispute.currency),
        type: 'payment_disputed',
        disputeId: dispute.id,
        reason: dispute.reason,
        status: disputeStatus(dispute.status),
      };
    }
    default:
      return null;
  }
}

/**
 * Stripe through its official SDK: PaymentIntents (confirmed by Stripe.js in the shopper's browser
 * with the client secret), webhooks checked by `webhooks.constructEvent`, and refunds. Amounts are
 * minor units on both sides; Stripe spells currencies in lower case.
 */
export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  // Required here, not imported at the top: a store on the local gateway never loads the SDK.
  const StripeSdk = createRequire(import.meta.url)('stripe') as typeof Stripe;
  const stripe = new StripeSdk(options.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...hostOf(options.apiUrl),
  });
  /**
   * Stripe said no for good (`invalid_request_error`: the charge is already refunded, the amount is
   * more than is left; a card error; a reused idempotency key), or could not answer now (a
   * connection error, `api_error`, rate limiting, a wrong key): only the second is tried again.
   */
  const refusedOrUnavailable = (error: unknown) => {
    const type = (error as { type?: unknown } | null)?.type;
    if (
      type === 'StripeInvalidRequestError' ||
      type === 'StripeCardError' ||
      type === 'StripeIdempotencyError'
    ) {
      const { message, code } = error as { message: string; code?: string };
      return new ProviderRefused(message, code ?? null);
    }
    return unavailable(error);
  };
  const unavailable = (error: unknown) =>
    new ProviderUnavailable(
      `Stripe refused or did not answer: ${error instanceof Error ? error.message : String(error)}`,
    );

  return {
    name: 'stripe',

    async createIntent(input) {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            metadata: { orderId: input.orderId },
            automatic_payment_methods: { enabled: true },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (!intent.client_secret) throw new Error('the intent has no client secret');
        return { reference: intent.id, clientSecret: intent.client_secret };
      } catch (error) {
        throw unavailable(error);
      }
    },

    async cancelIntent(reference) {
      try {
        await stripe.paymentIntents.cancel(reference);
      } catch (error) {
        throw unavailable(error);
      }
    },

    parseWebhook(rawBody, headers) {
      const header = headers['stripe-signature'];
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          Array.isArray(header) ? (header[0] ?? '') : (header ?? ''),
          options.webhookSecret,
        );
      } catch (error) {
        throw new InvalidWebhook(error instanceof Error ? error.message : 'Bad Stripe signature.');
      }
      return (
        eventOf(event) ?? { id: event.id, type: 'other', providerType: event.type, raw: event }
      );
    },

    async refund(input) {
      let refund: Stripe.Refund;
      try {
        refund = await stripe.refunds.create(
          { payment_intent: input.reference, amount: input.amount },
          { idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        throw refusedOrUnavailable(error);
      }
      if (refund.status === 'failed' || refund.status === 'canceled') {
        throw new ProviderRefused(
          `Stripe's refund was ${refund.status}: ${refund.failure_reason ?? 'no reason given'}`,
          refund.failure_reason ?? null,
        );
      }
      return { reference: refund.id };
    },
  };
}
