import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';

export type CheckoutConfig = Schemas['CheckoutConfig'];

/**
 * How this store takes money (provider, Stripe's publishable key, where Stripe.js comes from), read
 * from the API at run time: one build serves a store on the local gateway and one on Stripe.
 */
export const checkoutConfigQuery = {
  queryKey: ['checkout-config'] as const,
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    call(api.GET('/api/v1/checkout-config', { signal })),
  staleTime: 5 * 60_000,
};

export function useCheckoutConfig() {
  return useQuery(checkoutConfigQuery);
}
