import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Cart } from '../../api/client';
import { fakeApi } from '../../test/fake-api';
import { testQueryClient } from '../../test/render';
import { storedCartId, storeCartId, useBag, useChangeBag } from './api';

const cart = (id: string, quantity = 0) =>
  ({
    id,
    items: quantity ? [{ id: 'item-1', variantId: 'v-1', quantity }] : [],
  }) as unknown as Cart;

function hooks() {
  const queryClient = testQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const { result } = renderHook(() => ({ bag: useBag(), change: useChangeBag() }), { wrapper });
  return result;
}

describe('the bag', () => {
  beforeEach(() => localStorage.clear());

  it('is empty without asking the API while no cart was made', async () => {
    const api = fakeApi({});
    const result = hooks();
    await waitFor(() => expect(result.current.bag.isSuccess).toBe(true));
    expect(result.current.bag.data).toBeNull();
    expect(api.sent).toEqual([]);
  });

  it('makes a cart on the first add, keeps its id and becomes the answer', async () => {
    const api = fakeApi({
      'POST /api/v1/carts': { status: 201, body: cart('c-1') },
      'POST /api/v1/carts/c-1/items': { body: cart('c-1', 2) },
    });
    const result = hooks();
    await result.current.change.mutateAsync({ kind: 'add', variantId: 'v-1', quantity: 2 });
    expect(api.sent.map(({ method, path, body }) => [method, path, body])).toEqual([
      ['POST', '/api/v1/carts', undefined],
      ['POST', '/api/v1/carts/c-1/items', { variantId: 'v-1', quantity: 2 }],
    ]);
    expect(storedCartId()).toBe('c-1');
    await waitFor(() => expect(result.current.bag.data?.items[0]?.quantity).toBe(2));
  });

  it('adds to a new cart, once, when the stored one has expired', async () => {
    storeCartId('gone');
    const api = fakeApi({
      'GET /api/v1/carts/gone': { status: 404, body: { code: 'not_found' } },
      'POST /api/v1/carts/gone/items': { status: 404, body: { code: 'not_found' } },
      'POST /api/v1/carts': { status: 201, body: cart('c-2') },
      'POST /api/v1/carts/c-2/items': { body: cart('c-2', 1) },
    });
    const result = hooks();
    // Read first: the expired cart is forgotten and the bag is empty.
    await waitFor(() => expect(result.current.bag.isSuccess).toBe(true));
    expect(result.current.bag.data).toBeNull();
    expect(storedCartId()).toBeNull();

    storeCartId('gone');
    await result.current.change.mutateAsync({ kind: 'add', variantId: 'v-1', quantity: 1 });
    expect(api.paths().slice(1)).toEqual([
      'POST /api/v1/carts/gone/items',
      'POST /api/v1/carts',
      'POST /api/v1/carts/c-2/items',
    ]);
    expect(storedCartId()).toBe('c-2');
  });

  it('does not retry a change other than an add on a new cart', async () => {
    storeCartId('gone');
    fakeApi({
      'GET /api/v1/carts/gone': { body: cart('gone', 1) },
      'PATCH /api/v1/carts/gone/items/item-1': { status: 404, body: { code: 'not_found' } },
    });
    const result = hooks();
    await expect(
      result.current.change.mutateAsync({ kind: 'quantity', itemId: 'item-1', quantity: 3 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(storedCartId()).toBe('gone');
  });
});
