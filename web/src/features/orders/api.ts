import { queryOptions, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { orderToken } from './orderAccess';

/** Orders as their owners (or guests with a token) read them; dropped when who is signed in changes. */
export const orderKeys = {
  all: ['order'] as const,
  one: (id: string, token: string | undefined) => ['order', id, token] as const,
};

export const orderQuery = (id: string, token: string | undefined) =>
  queryOptions({
    queryKey: orderKeys.one(id, token),
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/orders/{id}', {
          params: { path: { id }, query: token ? { token } : {} },
          signal,
        }),
      ),
  });

/**
 * An order as its owner (or a guest with its token) reads it. `pollMs`: while it awaits payment,
 * read it again this often (a webhook may still be on its way).
 */
export function useOrder(id: string, pollMs: number | false) {
  const [params] = useSearchParams();
  const token = orderToken(id, params.get('token'));
  const order = useQuery({
    ...orderQuery(id, token),
    refetchInterval: (query) =>
      pollMs && query.state.data?.status === 'pending_payment' ? pollMs : false,
  });
  return { order, token };
}
