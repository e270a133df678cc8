import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Backend } from '../../../test/harness.js';
import { checkoutKit, uniqueEmail } from '../../../test/kits/checkout.js';
import type { DiscountKind } from './tables.js';

/** What the discount tests share: the checkout kit's store, and codes, carts and orders with them. */

export interface Discount {
  id: string;
  code: string;
  kind: DiscountKind;
  value: number;
  minSubtotal: { amount: number; currency: string };
  startsAt: string | null;
  endsAt: string | null;
  usageLimit: number | null;
  timesUsed: number;
  active: boolean;
}

export const newCode = (prefix = 'T') => `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`;

export function discountKit(backend: Backend) {
  const kit = checkoutKit(backend);
  const { ctx, post, get, stockedVariant, cartWith, placeOrder, count } = kit;

  async function createDiscount(body: Record<string, unknown>): Promise<Discount> {
    const response = await post(
      '/admin/discounts',
      { code: newCode(), kind: 'percent', value: 10, ...body },
      kit.admin(),
    );
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Discount;
  }
  const discountNow = async (id: string) =>
    (await get(`/admin/discounts/${id}`, kit.admin())).json() as Discount;

  /** A cart of `quantity` units of a fresh variant priced exactly `price`. */
  async function pricedCart(price: number, quantity = 1, headers: Record<string, string> = {}) {
    const v = await stockedVariant(5);
    await ctx.store.adapters.database.db.execute(
      sql`UPDATE variants SET price_amount = ${price}, compare_at_amount = NULL WHERE id = ${v.variantId}::uuid`,
    );
    return { v, cartId: await cartWith([{ variantId: v.variantId, quantity }], headers) };
  }
  const applyCode = (cartId: string, code: string, headers: Record<string, string> = {}) =>
    post(`/carts/${cartId}/discount`, { code }, headers);
  function expectRefused(response: { statusCode: number; json(): unknown }, reason: string) {
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'invalid_discount', reason });
  }
  /** A guest order of one unit at `price` with `code`, placed with `email`. */
  async function orderWithCode(code: string, email = uniqueEmail(), price = 5_000) {
    const { v, cartId } = await pricedCart(price);
    expect((await applyCode(cartId, code)).statusCode).toBe(200);
    return { v, cartId, response: await placeOrder(cartId, { email }) };
  }
  const ordersFor = (email: string) =>
    count(sql`SELECT count(*)::int AS n FROM orders WHERE lower(email) = ${email.toLowerCase()}`);

  return {
    ...kit,
    createDiscount,
    discountNow,
    pricedCart,
    applyCode,
    expectRefused,
    orderWithCode,
    ordersFor,
  };
}
