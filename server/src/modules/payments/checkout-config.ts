import { isPaymentTestMode, type Config } from '../../platform/config.js';

export { isPaymentTestMode };

/** What the storefront's payment step needs to know about how this store takes money. */
export interface CheckoutConfig {
  provider: 'local' | 'stripe';
  /** Stripe's publishable key, for Stripe.js; null on the local gateway. */
  stripePublishableKey: string | null;
  /** No real money moves: the local test gateway, or Stripe with test keys. */
  testMode: boolean;
  /**
   * Where the storefront loads Stripe.js from: null for Stripe's own (js.stripe.com), a path on
   * the store's origin when it serves its stand-in (STRIPE_STAND_IN, tests only).
   */
  stripeJsUrl: string | null;
}

/** The stand-in of Stripe.js the store serves when STRIPE_STAND_IN is on. */
export const stripeStandInScript = '/stripe-stand-in/stripe.js';

export function checkoutConfigOf(config: Config): CheckoutConfig {
  return {
    provider: config.PAYMENT_PROVIDER,
    stripePublishableKey:
      config.PAYMENT_PROVIDER === 'stripe' ? (config.STRIPE_PUBLISHABLE_KEY ?? null) : null,
    testMode: isPaymentTestMode(config),
    stripeJsUrl:
      config.PAYMENT_PROVIDER === 'stripe' && config.STRIPE_STAND_IN ? stripeStandInScript : null,
  };
}
