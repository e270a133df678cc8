import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { api, ApiError, call, type Cart } from '../../api/client';

/**
 * The shopper's bag is a cart on the API. Its id is kept in localStorage so a guest's bag survives a
 * reload; a signed-in shopper's cart answers only to them, so signing out forgets the id.
 */
const storageKey = 'stride.cart';

export function storedCartId(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function storeCartId(id: string | null) {
  try {
    if (id) localStorage.setItem(storageKey, id);
    else localStorage.removeItem(storageKey);
  } catch {
    // Private browsing without storage: the bag lasts as long as the tab.
  }
}

async function readBag(): Promise<Cart | null> {
  const id = storedCartId();
  if (!id) return null;
  try {
    return await call(api.GET('/api/v1/carts/{id}', { params: { path: { id } } }));
  } catch (error) {
    // A cart that expired or belongs to someone who signed out: start afresh.
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
      storeCartId(null);
      return null;
    }
    throw error;
  }
}

/** The bag as the API has it; `null` before the first thing is added. Its key is the bag's only one. */
export const bagQuery = queryOptions({ queryKey: ['bag'], queryFn: readBag, staleTime: 15_000 });
export const bagKey = bagQuery.queryKey;

export function useBag() {
  return useQuery(bagQuery);
}

async function ensureCartId(queryClient: QueryClient): Promise<string> {
  const known = queryClient.getQueryData(bagKey)?.id ?? storedCartId();
  if (known) return known;
  const cart = await call(api.POST('/api/v1/carts'));
  storeCartId(cart.id);
  queryClient.setQueryData(bagKey, cart);
  return cart.id;
}

/** After sign-in (the API merged the guest cart into the shopper's): adopt the shopper's cart. */
export async function adoptSignedInCart(queryClient: QueryClient) {
  const cart = await call(api.POST('/api/v1/carts'));
  storeCartId(cart.id);
  queryClient.setQueryData(bagKey, cart);
}

export function forgetBag(queryClient: QueryClient) {
  storeCartId(null);
  queryClient.setQueryData(bagKey, null);
}

type BagChange =
  | { kind: 'add'; variantId: string; quantity: number }
  | { kind: 'quantity'; itemId: string; quantity: number }
  | { kind: 'remove'; itemId: string }
  | { kind: 'discount'; code: string }
  | { kind: 'removeDiscount' };

async function applyChange(id: string, change: BagChange): Promise<Cart> {
  const path = { id };
  switch (change.kind) {
    case 'add':
      return call(
        api.POST('/api/v1/carts/{id}/items', {
          params: { path },
          body: { variantId: change.variantId, quantity: change.quantity },
        }),
      );
    case 'quantity':
      return call(
        api.PATCH('/api/v1/carts/{id}/items/{itemId}', {
          params: { path: { id, itemId: change.itemId } },
          body: { quantity: change.quantity },
        }),
      );
    case 'remove':
      return call(
        api.DELETE('/api/v1/carts/{id}/items/{itemId}', {
          params: { path: { id, itemId: change.itemId } },
        }),
      );
    case 'discount':
      return call(
        api.POST('/api/v1/carts/{id}/discount', { params: { path }, body: { code: change.code } }),
      );
    case 'removeDiscount':
      return call(api.DELETE('/api/v1/carts/{id}/discount', { params: { path } }));
  }
}

/** Every change to the bag; the API answers with the whole re-priced cart, which becomes the bag. */
export function useChangeBag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: BagChange) => {
      const id = await ensureCartId(queryClient);
      try {
        return await applyChange(id, change);
      } catch (error) {
        // The stored cart is gone (expired, or another shopper's): one retry on a new cart.
        if (error instanceof ApiError && error.status === 404 && change.kind === 'add') {
          forgetBag(queryClient);
          return applyChange(await ensureCartId(queryClient), change);
        }
        throw error;
      }
    },
    onSuccess: (cart) => {
      storeCartId(cart.id);
      queryClient.setQueryData(bagKey, cart);
    },
  });
}
