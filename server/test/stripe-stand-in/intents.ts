import { randomBytes } from 'node:crypto';
import { behaviourOf, luhnValid, walletCard, type CardBehaviour } from './cards.js';

/**
 * The stand-in's PaymentIntents: created and cancelled by the store's server (secret key),
 * confirmed by the browser (publishable key and client secret), as Stripe's API does. Each change
 * Stripe would announce is handed to `announce` as the event Stripe would send.
 */
export interface StandInIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  client_secret: string;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  last_payment_error: StripeApiError | null;
  next_action:
    | { type: 'use_stripe_sdk'; use_stripe_sdk: { type: 'stand_in_challenge' } }
    | { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string } }
    | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  created: number;
  livemode: false;
}

export interface StripeApiError {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  message: string;
  param?: string;
  /** Stripe puts the intent in the error of a confirmation it refused. */
  payment_intent?: StandInIntent;
}

/** An answer as Stripe's API gives it: the status and the body. */
export interface Answer {
  status: number;
  body: unknown;
}

export type EventType =
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.processing'
  | 'payment_intent.canceled';

export interface IntentsOptions {
  /** Stripe sends these as webhooks; the stand-in's caller signs and sends them. */
  announce: (type: EventType, intent: StandInIntent) => void;
  /** How long a processing payment takes to settle. */
  settleAfterMs?: number;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const error = (status: number, body: StripeApiError): Answer => ({ status, body: { error: body } });

const authenticationFailure: StripeApiError = {
  type: 'card_error',
  code: 'payment_intent_authentication_failure',
  message:
    'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
};

/** The card fields as the stand-in's Payment Element sends them (Stripe's parameter names). */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export function createIntents(options: IntentsOptions) {
  const intents = new Map<string, StandInIntent>();
  const refunded = new Map<string, number>();

  const unexpectedState = (intent: StandInIntent) =>
    error(400, {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: `You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`,
      payment_intent: intent,
    });

  function succeed(intent: StandInIntent) {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.next_action = null;
    intent.last_payment_error = null;
    options.announce('payment_intent.succeeded', intent);
  }

  function fail(intent: StandInIntent, reason: StripeApiError) {
    intent.status = 'requires_payment_method';
    intent.next_action = null;
    intent.last_payment_error = reason;
    options.announce('payment_intent.payment_failed', intent);
  }

  /** Stripe's checks of a card before any outcome: the number, the expiry, the code. */
  function cardProblem(card: CardDetails): StripeApiError | null {
    const problem = (code: string, message: string, param: string): StripeApiError => ({
      type: 'card_error',
      code,
      message,
      param,
    });
    if (!/^\d{12,19}$/.test(card.number) || !luhnValid(card.number))
      return problem('incorrect_number', 'Your card number is incorrect.', 'number');
    const today = new Date();
    const year = card.expYear < 100 ? 2000 + card.expYear : card.expYear;
    if (
      !(card.expMonth >= 1 && card.expMonth <= 12) ||
      year < today.getFullYear() ||
      (year === today.getFullYear() && card.expMonth < today.getMonth() + 1)
    )
      return problem('invalid_expiry_year', "Your card's expiration date is in the past.", 'exp');
    if (!/^\d{3,4}$/.test(card.cvc))
      return problem('incorrect_cvc', "Your card's security code is invalid.", 'cvc');
    return null;
  }

  function apply(intent: StandInIntent, behaviour: CardBehaviour, returnUrl: string | null) {
    intent.payment_method = id('pm');
    switch (behaviour.kind) {
      case 'succeeds':
        succeed(intent);
        return;
      case 'declines':
        fail(intent, {
          type: 'card_error',
          code: behaviour.code,
          decline_code: behaviour.declineCode,
          message: behaviour.message,
        });
        return;
      case 'processing':
        intent.status = 'processing';
        intent.last_payment_error = null;
        options.announce('payment_intent.processing', intent);
        setTimeout(() => {
          if (intent.status === 'processing') succeed(intent);
        }, options.settleAfterMs ?? 3000).unref();
        return;
      case 'challenge':
        intent.status = 'requires_action';
        intent.last_payment_error = null;
        intent.next_action =
          behaviour.shown === 'redirect' && returnUrl
            ? {
                type: 'redirect_to_url',
                redirect_to_url: {
                  url: `/stripe-stand-in/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret)}`,
                  return_url: returnUrl,
                },
              }
            : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'stand_in_challenge' } };
        return;
    }
  }

  const bySecret = (intentId: string, clientSecret: string | undefined) => {
    const intent = intents.get(intentId);
    return intent && clientSecret === intent.client_secret ? intent : null;
  };
  const noSuchIntent = (intentId: string) =>
    error(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      message: `No such payment_intent: '${intentId}'`,
      param: 'intent',
    });

  return {
    intents,

    create(form: URLSearchParams): Answer {
      const amount = Number(form.get('amount'));
      if (!Number.isInteger(amount) || amount < 50)
        return error(400, {
          type: 'invalid_request_error',
          code: 'amount_too_small',
          message: 'Amount must be at least 50 cents.',
          param: 'amount',
        });
      const metadata: Record<string, string> = {};
      for (const [key, value] of form)
        if (key.startsWith('metadata[')) metadata[key.slice(9, -1)] = value;
      const intent: StandInIntent = {
        id: id('pi'),
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency: (form.get('currency') ?? 'usd').toLowerCase(),
        status: 'requires_payment_method',
        client_secret: '',
        metadata,
        payment_method: null,
        payment_method_types: ['card', 'link'],
        last_payment_error: null,
        next_action: null,
        cancellation_reason: null,
        canceled_at: null,
        created: now(),
        livemode: false,
      };
      intent.client_secret = `${intent.id}_secret_${randomBytes(12).toString('hex')}`;
      intents.set(intent.id, intent);
      return { status: 200, body: intent };
    },

    retrieve(intentId: string): Answer {
      const intent = intents.get(intentId);
      return intent ? { status: 200, body: intent } : noSuchIntent(intentId);
    },

    /** What a browser may read with the client secret (Stripe leaves out the metadata). */
    retrieveBySecret(intentId: string, clientSecret: string | undefined): Answer {
      const intent = bySecret(intentId, clientSecret);
      if (!intent) return noSuchIntent(intentId);
      const { metadata: _metadata, ...visible } = intent;
      return { status: 200, body: visible };
    },

    cancel(intentId: string, reason: string | null): Answer {
      const intent = intents.get(intentId);
      if (!intent) return noSuchIntent(intentId);
      if (intent.status === 'succeeded' || intent.status === 'processing')
        return error(400, {
          type: 'invalid_request_error',
          code: 'payment_intent_unexpected_state',
          message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
        });
      if (intent.status !== 'canceled') {
        intent.status = 'canceled';
        intent.next_action = null;
        intent.canceled_at = now();
        intent.cancellation_reason = reason;
        options.announce('payment_intent.canceled', intent);
      }
      return { status: 200, body: intent };
    },

    /**
     * Confirm with a card (the Payment Element) or a wallet (Express Checkout). A decline answers
     * 402 with the intent in the error, as Stripe does; the intent stays payable with another card.
     */
    confirm(
      intentId: string,
      clientSecret: string | undefined,
      method: { card: CardDetails } | { wallet: string },
      returnUrl: string | null,
    ): Answer {
      const intent = bySecret(intentId, clientSecret);
      if (!intent) return noSuchIntent(intentId);
      if (intent.status !== 'requires_payment_method') return unexpectedState(intent);
      const number = 'card' in method ? method.card.number : walletCard;
      const problem = 'card' in method ? cardProblem(method.card) : null;
      if (problem) return error(402, { ...problem, payment_intent: intent });
      const behaviour = behaviourOf(number) ?? {
        ...{ kind: 'declines' as const, brand: 'visa', code: 'card_declined' },
        declineCode: 'test_mode_live_card',
        message:
          'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.',
      };
      apply(intent, behaviour, returnUrl);
      if (intent.last_payment_error)
        return error(402, { ...intent.last_payment_error, payment_intent: intent });
      return { status: 200, body: intent };
    },

    /** The shopper's answer to the 3-D Secure challenge. */
    authenticate(intentId: string, clientSecret: string | undefined, passed: boolean): Answer {
      const intent = bySecret(intentId, clientSecret);
      if (!intent) return noSuchIntent(intentId);
      if (intent.status !== 'requires_action') return unexpectedState(intent);
      if (passed) succeed(intent);
      else fail(intent, authenticationFailure);
      return { status: 200, body: intent };
    },

    refund(form: URLSearchParams): Answer {
      const intent = intents.get(form.get('payment_intent') ?? '');
      if (!intent || intent.status !== 'succeeded')
        return error(400, {
          type: 'invalid_request_error',
          code: 'charge_not_refundable',
          message: 'This PaymentIntent has no successful charge to refund.',
        });
      const done = refunded.get(intent.id) ?? 0;
      const amount = form.has('amount') ? Number(form.get('amount')) : intent.amount - done;
      if (!(amount > 0) || done + amount > intent.amount)
        return error(400, {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          message: `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${((intent.amount - done) / 100).toFixed(2)})`,
          param: 'amount',
        });
      refunded.set(intent.id, done + amount);
      return {
        status: 200,
        body: {
          id: id('re'),
          object: 'refund',
          amount,
          currency: intent.currency,
          payment_intent: intent.id,
          status: 'succeeded',
        },
      };
    },
  };
}

export type Intents = ReturnType<typeof createIntents>;
