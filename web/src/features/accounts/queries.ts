import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Address } from '../../api/client';
import type { paths } from '../../api/schema';

/** Everything cached about the signed-in account sits under one key, dropped at sign-in and sign-out. */
export const accountKeys = {
  all: ['account'] as const,
  orders: ['account', 'orders'] as const,
  addresses: ['account', 'addresses'] as const,
};

export type AddressInput =
  paths['/api/v1/me/addresses']['post']['requestBody']['content']['application/json'];

const ordersPerPage = 10;

/** The shopper's orders, newest first, a page at a time (the API's cursor). */
export function useOrderHistory() {
  return useInfiniteQuery({
    queryKey: accountKeys.orders,
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/v1/orders', {
          params: {
            query: pageParam
              ? { limit: ordersPerPage, cursor: pageParam }
              : { limit: ordersPerPage },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useAddresses() {
  return useQuery({
    queryKey: accountKeys.addresses,
    queryFn: async ({ signal }) => (await call(api.GET('/api/v1/me/addresses', { signal }))).items,
  });
}

type AddressChange =
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
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: accountKeys.addresses }),
        // Checkout keeps its own copy of the address book.
        queryClient.invalidateQueries({ queryKey: ['me', 'addresses'] }),
      ]),
  });
}
