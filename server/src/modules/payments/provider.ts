import type { DisputeStatus } from './statuses.js';

/**
 * The payment-provider port. The store never sees a card: it asks the provider for an intent to
 * collect an order's total, hands the intent's client secret to the shopper's browser, and learns
 * the outcome from the provider's signed webhooks. Two adapters: the local gateway (`local.ts`) and
 * Stripe (`stripe.ts`); both pass `provider.contract.ts`.
 */
export interface PaymentProvider {
  readonly name: 'local' | 'stripe';

  /** An intent to collect `amount`; the same `idempotencyKey` always answers the same intent. */
  createIntent(input: {
    orderId: string;
    amount: number;
    currency: string;
    idempotencyKey: string;
    /** Where the provider's hosted page sends the shopper afterwards. */
    returnUrl: string;
  }): Promise<{ reference: string; clientSecret: string }>;

  /** Stop an unpaid intent from being paid (the order was cancelled). Best effort. */
  cancelIntent(reference: string): Promise<void>;

  /**
   * Check a webhook's signature over its raw body and read it. Throws `InvalidWebhook` for a bad or
   * stale signature or a body that is not the provider's event.
   */
  parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): ProviderEvent;

  /**
   * Give back part or all of a collected payment; the same `idempotencyKey` refunds once. Throws
   * `ProviderRefused` when the provider definitely says no, `ProviderUnavailable` when it could not
   * answer (then the same call is tried again later).
   */
  refund(input: {
    reference: string;
    amount: number;
    currency: string;
    idempotencyKey: string;
  }): Promise<{ reference: string }>;
}

/** What every event about one of the store's payments carries. */
interface AboutAPayment {
  /** The provider's event id: each is recorded once. */
  id: string;
  /** The provider's id of the intent: the only key an event is matched to an order by. */
  reference: string;
  /** The order the intent's metadata names: logged, never used to find the order (see `reference`). */
  orderId: string | null;
  /** Minor units, as the event's object states them. */
  amount: number;
  currency: string;
  raw: unknown;
}

export type ProviderEvent =
  | (AboutAPayment & { type: 'payment_succeeded'; paymentMethod: string | null })
  | (AboutAPayment & { type: 'payment_failed'; failureCode: string; failureMessage: string })
  /** The payment is under way and not yet settled (a bank debit, say); the order waits for it. */
  | (AboutAPayment & { type: 'payment_processing' })
  /** The intent was cancelled at the provider: it will never be paid. */
  | (AboutAPayment & { type: 'payment_canceled'; cancellationReason: string | null })
  /**
   * Money given back at the provider, whoever asked (the store, or someone in the provider's
   * dashboard): `amountRefunded` is all that has gone back on the payment so far.
   */
  | (AboutAPayment & { type: 'payment_refunded'; amountRefunded: number })
  /** The buyer's bank disputes the payment (a chargeback), or a dispute was settled. */
  | (AboutAPayment & {
      type: 'payment_disputed';
      disputeId: string;
      /** The bank's reason: fraudulent, product_not_received, ... */
      reason: string;
      status: DisputeStatus;
    })
  /** Anything else the provider sends (acknowledged, recorded, not acted on). */
  | { id: string; type: 'other'; providerType: string; raw: unknown };

export class InvalidWebhook extends Error {}

/** The provider could not be reached or failed for now (an outage, a timeout): the caller retries later. */
export class ProviderUnavailable extends Error {}

/**
 * The provider answered and said no, for good (the charge was already refunded, the amount is more
 * than is left, the payment does not exist): trying again would get the same answer. `message` is
 * the provider's reason, shown to the store team.
 */
export class ProviderRefused extends Error {
  constructor(
    message: string,
    /** The provider's code for it, when it gives one (`charge_already_refunded`). */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}
