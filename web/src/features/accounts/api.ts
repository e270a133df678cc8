import { infiniteQueryOptions } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export const accountKeys = {
  all: ['account'] as const,
  orders: ['account', 'orders'] as const,
};

const ordersPerPage = 10;

/** The shopper's orders, newest first, a page at a time (the API's cursor). */
export const orderHistoryQuery = infiniteQueryOptions({
  queryKey: accountKeys.orders,
  queryFn: ({ pageParam, signal }) =>
    call(
      api.GET('/api/v1/orders', {
        params: {
          query: pageParam ? { limit: ordersPerPage, cursor: pageParam } : { limit: ordersPerPage },
        },
        signal,
      }),
    ),
  initialPageParam: null as string | null,
  getNextPageParam: (page) => page.nextCursor,
});
