import type { PaymentIntentResult, StripeElementsOptions } from '@stripe/stripe-js';

/** The store's look for Stripe's elements (they draw inside Stripe's frames). */
export const appearance: StripeElementsOptions['appearance'] = {
  theme: 'stripe',
  variables: { colorPrimary: '#0f172a', colorDanger: '#b91c1c', borderRadius: '6px' },
};

/** Where Stripe sends the shopper back after a redirect (a bank's 3-D Secure page, say). */
export const returnUrl = (orderId: string) =>
  `${window.location.origin}/orders/${orderId}/confirmation`;

/**
 * The confirmation page with the parameters Stripe adds on its way back, so a payment confirmed in
 * the page and one confirmed after a redirect are read the same way.
 */
export const confirmationPath = (orderId: string, intent: { id: string; status: string }) =>
  `/orders/${orderId}/confirmation?payment_intent=${encodeURIComponent(intent.id)}&redirect_status=${
    intent.status === 'processing' ? 'processing' : 'succeeded'
  }`;

export type Outcome =
  | { kind: 'confirmed'; path: string }
  /** The order can no longer be paid: its intent was cancelled when it expired. */
  | { kind: 'expired' }
  /** Paid meanwhile (another tab, a wallet): nothing to pay. */
  | { kind: 'paid' }
  | { kind: 'failed'; message: string };

/** What a confirmation's answer means for the shopper. */
export function outcomeOf(orderId: string, result: PaymentIntentResult): Outcome {
  if (!result.error)
    return { kind: 'confirmed', path: confirmationPath(orderId, result.paymentIntent) };
  const { error } = result;
  if (error.code === 'payment_intent_unexpected_state') {
    if (error.payment_intent?.status === 'canceled') return { kind: 'expired' };
    if (error.payment_intent?.status === 'succeeded') return { kind: 'paid' };
  }
  // Card and form problems are worded by Stripe for shoppers; anything else is ours to say.
  if (error.type === 'card_error' || error.type === 'validation_error')
    return { kind: 'failed', message: error.message ?? 'Your card was declined.' };
  return {
    kind: 'failed',
    message: 'The payment could not be completed. Check your connection and try again.',
  };
}
