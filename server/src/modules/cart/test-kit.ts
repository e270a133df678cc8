import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { anonymous, contextFor } from '../../platform/context.js';
import { createTestStore, type Backend, type TestStore } from '../../../test/harness.js';
import { strongPassword, uniqueEmail, type AuthResult } from '../../../test/kits/accounts.js';
import type { Product } from '../catalog/index.js';
import type { CartView } from './view.js';

/** What the cart tests share: a seeded store per file, variants handed out per test, and the calls. */

export interface TestVariant {
  id: string;
  sku: string;
  price: number;
  productId: string;
  productSlug: string;
}

export interface Problem {
  status: number;
  code: string;
  reason?: string;
  lines?: { variantId: string; requested: number; available: number }[];
}

export const randomCartId = () => `c_${randomBytes(24).toString('base64url')}`;

/** A service context for a registered customer (the session id plays no part in carts). */
export const actorOf = (auth: AuthResult) =>
  contextFor({ id: auth.user.id, role: 'customer', sessionId: 'test' });

export function cartKit(backend: Backend) {
  const ctx = {} as { store: TestStore };
  /** Whole products, so a test that archives or reprices one never touches another test's lines. */
  const pool: TestVariant[][] = [];

  beforeAll(async () => {
    ctx.store = await createTestStore(backend);
    const listing = await ctx.store.app.inject({
      method: 'GET',
      url: '/api/v1/products?inStock=true&limit=60',
    });
    const slugs = (listing.json() as { items: { slug: string }[] }).items.map((i) => i.slug);
    for (const slug of slugs) {
      const product = (
        await ctx.store.app.inject({ method: 'GET', url: `/api/v1/products/${slug}` })
      ).json() as Product;
      pool.push(
        product.variants.map((v) => ({
          id: v.id,
          sku: v.sku,
          price: v.price.amount,
          productId: product.id,
          productSlug: product.slug,
        })),
      );
    }
  });
  afterAll(async () => {
    await ctx.store?.close();
  });

  /** `count` variants no other test uses, each with `stock` units on hand. */
  async function takeVariants(count: number, stock = 50): Promise<TestVariant[]> {
    const taken: TestVariant[] = [];
    while (taken.length < count) {
      const product = pool.shift();
      if (!product) throw new Error('the seeded catalog ran out of test products');
      taken.push(...product);
    }
    const chosen = taken.slice(0, count);
    for (const variant of chosen) {
      await ctx.store.services.inventory.setOnHand(anonymous, variant.id, stock);
    }
    return chosen;
  }
  const takeVariant = async (stock = 50) => (await takeVariants(1, stock))[0] as TestVariant;

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    token?: string,
  ) =>
    ctx.store.app.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  /** A call that must succeed with `status`; its cart. */
  async function ok(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    token?: string,
    status = 200,
  ): Promise<CartView> {
    const response = await call(method, url, payload, token);
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as CartView;
  }

  /** A call that must fail with `status`; its problem document. */
  async function fails(
    status: number,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    token?: string,
  ): Promise<Problem> {
    const response = await call(method, url, payload, token);
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Problem;
  }

  const newCart = (token?: string) => ok('POST', '/carts', undefined, token, 201);
  const getCart = (id: string, token?: string) => ok('GET', `/carts/${id}`, undefined, token);
  const add = (id: string, variantId: string, quantity: number, token?: string) =>
    ok('POST', `/carts/${id}/items`, { variantId, quantity }, token);

  async function register(): Promise<AuthResult & { password: string }> {
    const response = await call('POST', '/auth/register', {
      email: uniqueEmail(),
      password: strongPassword,
      firstName: 'Ada',
      lastName: 'Runner',
    });
    expect(response.statusCode, response.body).toBe(201);
    return { ...(response.json() as AuthResult), password: strongPassword };
  }

  /** The shipping estimate the cart must show for a (discounted) subtotal. */
  async function cheapestShipping(subtotal: number): Promise<number> {
    const response = await call('GET', `/shipping-methods?subtotal=${subtotal}`);
    const methods = (response.json() as { items: { price: { amount: number } }[] }).items;
    return methods[0]?.price.amount ?? 0;
  }

  return {
    ctx,
    takeVariants,
    takeVariant,
    call,
    ok,
    fails,
    newCart,
    getCart,
    add,
    register,
    cheapestShipping,
  };
}
