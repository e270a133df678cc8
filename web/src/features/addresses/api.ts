import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, type Address, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';

export type AddressInput =
  paths['/api/v1/me/addresses']['post']['requestBody']['content']['application/json'];
export type ShippingCountry = Schemas['ShippingCountry'];

/** The signed-in shopper's address book: one key, read by the account pages and by checkout. */
export const addressKeys = { all: ['addresses'] as const };

export const addressesQuery = queryOptions({
  queryKey: addressKeys.all,
  queryFn: async ({ signal }) => (await call(api.GET('/api/v1/me/addresses', { signal }))).items,
});

/**
 * The countries the store ships to, in the order to offer them, as the API has them
 * (SHIPPING_COUNTRIES): checkout and the address book offer exactly these. They change only when
 * the store is reconfigured, so one answer serves the whole visit.
 */
export const shippingCountriesQuery = queryOptions({
  queryKey: ['shipping-countries'],
  queryFn: async ({ signal }) =>
    (await call(api.GET('/api/v1/shipping-countries', { signal }))).items,
  staleTime: Infinity,
});

export type AddressChange =
  | { kind: 'create'; body: AddressInput }
  | { kind: 'update'; id: string; body: Partial<AddressInput> }
  | { kind: 'delete'; id: string };

/**
 * Every change to the address book. Making one address the default changes another, so the whole
 * list is read again after each change rather than patched here.
 */
export function useChangeAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: AddressChange): Promise<Address | null> => {
      switch (change.kind) {
        case 'create':
          return call(api.POST('/api/v1/me/addresses', { body: change.body }));
        case 'update':
          return call(
            api.PATCH('/api/v1/me/addresses/{id}', {
              params: { path: { id: change.id } },
              body: change.body,
            }),
          );
        case 'delete':
          await call(
            api.DELETE('/api/v1/me/addresses/{id}', { params: { path: { id: change.id } } }),
          );
          return null;
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: addressKeys.all }),
  });
}
