import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/harness.js';
import { address, checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

interface Method {
  id: string;
  name: string;
  price: { amount: number; currency: string };
  estimatedDays: number;
}

/** Tax as the contract states it, written out independently: half up at 0.01 %. */
const expectedTax = (base: number, percent: number) => {
  const exact = (base * Math.round(percent * 100)) / 10_000;
  return Math.floor(exact + 0.5);
};

describeEachBackend('shipping, tax and order totals on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, get, post, stockedVariant, cartWith, placeOrder } = kit;

  const methods = async (query = '') => {
    const response = await get(`/shipping-methods${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: Method[] }).items;
  };
  const priced = (items: Method[]) => items.map((m) => [m.id, m.price.amount]);

  /** A cart of `quantity` units of a fresh variant priced exactly `price`, with `code` applied. */
  async function cart(price: number, quantity = 1, code?: string) {
    const v = await stockedVariant(10);
    await ctx.store.adapters.database.db.execute(
      sql`UPDATE variants SET price_amount = ${price}, compare_at_amount = NULL WHERE id = ${v.variantId}::uuid`,
    );
    const cartId = await cartWith([{ variantId: v.variantId, quantity }]);
    if (code) {
      const applied = await post(`/carts/${cartId}/discount`, { code });
      expect(applied.statusCode, applied.body).toBe(200);
    }
    return cartId;
  }
  async function discount(kind: 'percent' | 'fixed', value: number) {
    const code = `TOT${randomBytes(4).toString('hex').toUpperCase()}`;
    const response = await post('/admin/discounts', { code, kind, value }, kit.admin());
    expect(response.statusCode, response.body).toBe(201);
    return code;
  }
  async function order(
    cartId: string,
    shipTo: Record<string, unknown> = {},
    shippingMethodId = 'standard',
  ) {
    const response = await placeOrder(cartId, {
      shippingAddress: { ...address, ...shipTo },
      shippingMethodId,
    });
    expect(response.statusCode, response.body).toBe(201);
    const placed = response.json() as PlacedOrder & { taxRate: number };
    // The one identity every order must satisfy, to the unit.
    expect(placed.total.amount).toBe(
      placed.subtotal.amount - placed.discount.amount + placed.shipping.amount + placed.tax.amount,
    );
    expect(placed.payment).toMatchObject({ status: 'pending' });
    return placed;
  }
  const amounts = (o: PlacedOrder) => ({
    subtotal: o.subtotal.amount,
    discount: o.discount.amount,
    shipping: o.shipping.amount,
    tax: o.tax.amount,
    total: o.total.amount,
  });

  describe('GET /shipping-methods', () => {
    it('lists domestic methods cheapest first, standard free from the threshold', async () => {
      expect(priced(await methods())).toEqual([
        ['standard', 500],
        ['express', 1_500],
        ['next_day', 2_500],
      ]);
      expect(priced(await methods('?subtotal=7499&country=US'))).toEqual([
        ['standard', 500],
        ['express', 1_500],
        ['next_day', 2_500],
      ]);
      const free = await methods('?subtotal=7500');
      expect(priced(free)).toEqual([
        ['standard', 0],
        ['express', 1_500],
        ['next_day', 2_500],
      ]);
      expect(free[0]).toMatchObject({
        name: expect.stringMatching(/free/i),
        price: { currency: 'USD' },
        estimatedDays: 5,
      });
      expect(free.map((m) => m.estimatedDays)).toEqual([5, 2, 1]);
    });

    it('gives international methods abroad, and refuses a bad country or query', async () => {
      expect(priced(await methods('?country=GB'))).toEqual([
        ['standard', 1_500],
        ['express', 3_500],
      ]);
      expect(priced(await methods('?country=GB&subtotal=14999'))).toEqual([
        ['standard', 1_500],
        ['express', 3_500],
      ]);
      expect(priced(await methods('?country=gb&subtotal=15000'))).toEqual([
        ['standard', 0],
        ['express', 3_500],
      ]);
      for (const [query, code] of [
        ['?country=GBR', 'unknown_country'],
        ['?country=1A', 'unknown_country'],
        ['?subtotal=-1', 'validation_failed'],
        ['?weight=3', 'validation_failed'],
      ]) {
        const response = await get(`/shipping-methods${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json()).toMatchObject({ code });
      }
    });
  });

  describe('order totals', () => {
    it('charges the chosen method and taxes US/CA at 7.25 %, rounding half up once', async () => {
      // 9 800 × 7.25 % = 710.5 → 711 (half up; banker's rounding would give 710).
      const free = await order(await cart(9_800));
      expect(amounts(free)).toEqual({
        subtotal: 9_800,
        discount: 0,
        shipping: 0,
        tax: 711,
        total: 10_511,
      });
      expect(free).toMatchObject({ taxRate: 7.25, shippingMethod: { id: 'standard' } });

      // Tax is on the goods plus shipping: (2 × 1 999 + 2 500) × 7.25 % = 471.105 → 471.
      const nextDay = await order(await cart(1_999, 2), {}, 'next_day');
      expect(amounts(nextDay)).toEqual({
        subtotal: 3_998,
        discount: 0,
        shipping: 2_500,
        tax: 471,
        total: 6_969,
      });
      expect(nextDay.shippingMethod.id).toBe('next_day');

      const below = await order(await cart(7_499));
      expect(below.shipping.amount).toBe(500);
      expect(below.tax.amount).toBe(expectedTax(7_999, 7.25));
    });

    it('applies the free threshold to the discounted subtotal and taxes what is left', async () => {
      // 8 000 − 10 % = 7 200: under 7 500, so standard shipping is charged.
      const discounted = await order(await cart(8_000, 1, await discount('percent', 10)));
      expect(amounts(discounted)).toEqual({
        subtotal: 8_000,
        discount: 800,
        shipping: 500,
        tax: 558, // (7 200 + 500) × 7.25 % = 558.25
        total: 8_258,
      });
      const full = await order(await cart(8_000));
      expect(full.shipping.amount).toBe(0);

      // 15 % of 9 800 = 1 470; 8 330 stays above the threshold: (8 330 + 0) × 7.25 % = 603.925.
      const percent = await order(await cart(9_800, 1, await discount('percent', 15)));
      expect(amounts(percent)).toEqual({
        subtotal: 9_800,
        discount: 1_470,
        shipping: 0,
        tax: 604,
        total: 8_934,
      });
    });

    it('takes at most the subtotal with a fixed discount; shipping and its tax remain', async () => {
      const fixed = await order(await cart(2_000, 1, await discount('fixed', 5_000)));
      expect(amounts(fixed)).toEqual({
        subtotal: 2_000,
        discount: 2_000,
        shipping: 500,
        tax: 36, // 500 × 7.25 % = 36.25
        total: 536,
      });
      const partial = await order(
        await cart(3_000, 2, await discount('fixed', 1_250)),
        {},
        'express',
      );
      expect(amounts(partial)).toEqual({
        subtotal: 6_000,
        discount: 1_250,
        shipping: 1_500,
        tax: expectedTax(6_250, 7.25),
        total: 6_250 + expectedTax(6_250, 7.25),
      });
    });

    it.each([
      ['a US state without sales tax here', { region: 'OR' }, 0],
      ['a state given in lower case', { region: 'ca' }, 7.25],
      ['a state given as its ISO 3166-2 code', { region: 'US-CA' }, 7.25],
      ['New York', { region: 'NY' }, 4],
      ['Great Britain (VAT)', { country: 'GB', region: undefined }, 20],
      ['Ontario (HST)', { country: 'CA', region: 'ON' }, 13],
      ['Canada elsewhere (GST)', { country: 'CA', region: 'AB' }, 5],
      ['Japan (consumption tax)', { country: 'JP', region: undefined }, 10],
    ])('taxes an order shipped to %s', async (_where, shipTo, percent) => {
      const placed = await order(await cart(2_000), shipTo);
      const domestic = (shipTo as { country?: string }).country === undefined;
      const shipping = domestic ? 500 : 1_500;
      expect(placed.taxRate).toBe(percent);
      expect(amounts(placed)).toEqual({
        subtotal: 2_000,
        discount: 0,
        shipping,
        tax: expectedTax(2_000 + shipping, percent),
        total: 2_000 + shipping + expectedTax(2_000 + shipping, percent),
      });
    });

    it('refuses a US or Canadian address without a state code, so no spelling avoids tax', async () => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      for (const shipTo of [
        { region: undefined },
        { region: 'California' },
        { country: 'CA', region: 'Ontario' },
      ]) {
        const refused = await placeOrder(cartId, { shippingAddress: { ...address, ...shipTo } });
        expect(refused.statusCode, JSON.stringify(shipTo)).toBe(400);
        expect(refused.json()).toMatchObject({
          code: 'validation_failed',
          errors: [{ path: 'body.shippingAddress.region' }],
        });
      }
      expect(await kit.stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });
      // Where tax does not depend on the region, none is needed.
      expect((await order(cartId, { country: 'GB', region: undefined })).taxRate).toBe(20);
    });

    it('prices shipping abroad from the international table, free from twice the threshold', async () => {
      const gb = { country: 'GB', region: undefined, postalCode: 'SW1A 1AA', city: 'London' };
      const express = await order(await cart(4_000), gb, 'express');
      expect(amounts(express)).toEqual({
        subtotal: 4_000,
        discount: 0,
        shipping: 3_500,
        tax: 1_500, // (4 000 + 3 500) × 20 %
        total: 9_000,
      });
      // Free abroad from 15 000 only: 10 000 still pays for standard.
      const paid = await order(await cart(10_000), gb);
      expect(amounts(paid)).toMatchObject({ shipping: 1_500, tax: 2_300 });
      const free = await order(await cart(7_500, 2), gb);
      expect(free.shipping.amount).toBe(0);
      expect(free.tax.amount).toBe(3_000);
      const refused = await placeOrder(await cart(4_000), {
        shippingAddress: { ...address, ...gb },
        shippingMethodId: 'next_day',
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'invalid_shipping_method',
        available: ['standard', 'express'],
      });
    });

    it('shows the cart the discounted subtotal, the cheapest shipping and no tax yet', async () => {
      const cartId = await cart(8_000, 1, await discount('percent', 10));
      expect((await get(`/carts/${cartId}`)).json()).toMatchObject({
        subtotal: { amount: 8_000 },
        discount: { amount: 800 },
        shipping: { amount: 500 },
        tax: { amount: 0 },
        total: { amount: 7_700 },
      });
    });
  });
});
