import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { orderToken } from './orderAccess';

/**
 * An order as its owner (or a guest with its token) reads it. `pollMs`: while it awaits payment,
 * read it again this often (a webhook may still be on its way).
 */
export function useOrder(id: string, pollMs: number | false) {
  const [params] = useSearchParams();
  const token = orderToken(id, params.get('token'));
  const order = useQuery({
    queryKey: ['order', id, token],
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/orders/{id}', {
          params: { path: { id }, query: token ? { token } : {} },
          signal,
        }),
      ),
    refetchInterval: (query) =>
      pollMs && query.state.data?.status === 'pending_payment' ? pollMs : false,
  });
  return { order, token };
}
