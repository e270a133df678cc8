import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';

export type CheckoutConfig = Schemas['CheckoutConfig'];

/**
 * How this store takes money (provider, Stripe's publishable key, where Stripe.js comes from), read
 * from the API at run time: one build serves a store on the local gateway and one on Stripe.
 */
export const checkoutConfigQuery = queryOptions({
  queryKey: ['checkout-config'],
  queryFn: ({ signal }) => call(api.GET('/api/v1/checkout-config', { signal })),
  staleTime: 5 * 60_000,
});

export function useCheckoutConfig() {
  return useQuery(checkoutConfigQuery);
}

/** The ways to ship an order of `subtotal` (after its discount) to `country`, with their prices. */
export const shippingMethodsQuery = (country: string, subtotal: number) =>
  queryOptions({
    queryKey: ['shipping-methods', country, subtotal],
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/shipping-methods', { params: { query: { country, subtotal } }, signal }),
      ),
  });
