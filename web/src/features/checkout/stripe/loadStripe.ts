import type { Stripe } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import type { CheckoutConfig } from '../api';

let loading: Promise<Stripe | null> | null = null;

function addScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => reject(new Error(`Stripe.js did not load from ${src}`)));
    document.head.append(script);
  });
}

/**
 * Stripe.js, once per page and only when asked for (the card step, a wallet button): from Stripe
 * (`@stripe/stripe-js` adds its script), or from the store's origin when the store serves a stand-in
 * of it, which then defines window.Stripe before loadStripe looks for it.
 */
export function stripeFor(config: CheckoutConfig): Promise<Stripe | null> {
  if (!config.stripePublishableKey) return Promise.resolve(null);
  const key = config.stripePublishableKey;
  loading ??= (config.stripeJsUrl ? addScript(config.stripeJsUrl) : Promise.resolve())
    .then(() => loadStripe(key))
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}
