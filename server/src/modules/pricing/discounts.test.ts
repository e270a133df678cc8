import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/harness.js';
import { uniqueEmail, type PlacedOrder } from '../../../test/kits/checkout.js';
import { discountKit, newCode, type Discount } from './test-kit.js';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describeEachBackend('discount codes on %s backends', (backend) => {
  const kit = discountKit(backend);
  const { post, get, placeOrder, stockOf, register, count } = kit;
  const { createDiscount, discountNow, pricedCart, applyCode, expectRefused, orderWithCode } = kit;
  const { ordersFor } = kit;
  const patch = (url: string, body: unknown, headers: Record<string, string> = kit.admin()) =>
    kit.request('PATCH', url, body, headers);

  describe('admin API', () => {
    it('creates percent and fixed codes, refusing a code that differs only in case', async () => {
      const code = newCode('Spring');
      const percent = await createDiscount({ code, kind: 'percent', value: 15 });
      expect(percent).toMatchObject({
        code,
        kind: 'percent',
        value: 15,
        currency: 'USD',
        minSubtotal: { amount: 0, currency: 'USD' },
        startsAt: null,
        endsAt: null,
        usageLimit: null,
        timesUsed: 0,
        active: true,
      });
      const fixed = await createDiscount({
        kind: 'fixed',
        value: 1_000,
        minSubtotal: 5_000,
        usageLimit: 3,
        startsAt: inDays(-1),
        endsAt: inDays(30),
      });
      expect(fixed).toMatchObject({ kind: 'fixed', value: 1_000, usageLimit: 3 });
      expect(fixed.minSubtotal.amount).toBe(5_000);

      const taken = await post(
        '/admin/discounts',
        { code: code.toLowerCase(), kind: 'fixed', value: 500 },
        kit.admin(),
      );
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ code: 'discount_code_taken' });
    });

    it.each([
      ['a percentage over 100', { kind: 'percent', value: 101 }],
      ['an end before the start', { startsAt: inDays(2), endsAt: inDays(1) }],
      ['an unknown field', { appliesToShipping: true }],
      ['a zero value', { value: 0 }],
      ['a code with spaces', { code: 'TWO WORDS' }],
    ])('refuses %s with 400 and stores nothing', async (_what, overrides) => {
      const code = newCode();
      const response = await post(
        '/admin/discounts',
        { code, kind: 'percent', value: 10, ...overrides },
        kit.admin(),
      );
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
      expect(await count(sql`SELECT count(*)::int AS n FROM discounts WHERE code = ${code}`)).toBe(
        0,
      );
    });

    it('is for admins only', async () => {
      const customer = await register();
      const body = { code: newCode(), kind: 'percent', value: 10 };
      expect((await post('/admin/discounts', body, customer.headers)).statusCode).toBe(403);
      expect((await post('/admin/discounts', body)).statusCode).toBe(401);
      expect((await get('/admin/discounts', customer.headers)).statusCode).toBe(403);
      expect((await get('/admin/discounts')).statusCode).toBe(401);
      const made = await createDiscount({});
      expect((await patch(`/admin/discounts/${made.id}`, { active: false }, {})).statusCode).toBe(
        401,
      );
      expect(
        (await patch(`/admin/discounts/${made.id}`, { active: false }, customer.headers))
          .statusCode,
      ).toBe(403);
      expect((await discountNow(made.id)).active).toBe(true);
    });

    it('lists newest first, filters by q and pages with a cursor; reads one', async () => {
      const tag = randomBytes(3).toString('hex').toUpperCase();
      const made: Discount[] = [];
      for (let i = 0; i < 3; i++) {
        made.push(await createDiscount({ code: `List_${tag}_${i}` }));
        // Ids are UUIDv7 with millisecond precision: keep the three creations in distinct ms.
        await sleep(3);
      }
      // "_" in q is a literal, not a LIKE wildcard: this one must not match.
      await createDiscount({ code: `ListX${tag}X9` });
      await sleep(3); // the newest must be this one, not ListX… made in the same millisecond
      await createDiscount({ code: newCode('Other') });
      const first = (
        await get(`/admin/discounts?q=list_${tag.toLowerCase()}&limit=2`, kit.admin())
      ).json() as { items: Discount[]; nextCursor: string };
      expect(first.items.map((d) => d.code)).toEqual([made[2]?.code, made[1]?.code]);
      const second = (
        await get(`/admin/discounts?q=List_${tag}&limit=2&cursor=${first.nextCursor}`, kit.admin())
      ).json() as { items: Discount[]; nextCursor: string | null };
      expect(second.items.map((d) => d.code)).toEqual([made[0]?.code]);
      expect(second.nextCursor).toBeNull();
      const byTag = (await get(`/admin/discounts?q=${tag}`, kit.admin())).json() as {
        items: Discount[];
      };
      expect(byTag.items).toHaveLength(4);
      const all = (await get('/admin/discounts?limit=100', kit.admin())).json() as {
        items: Discount[];
      };
      expect(all.items[0]?.code).toMatch(/^Other/);
      expect((await get('/admin/discounts?cursor=nope', kit.admin())).statusCode).toBe(400);

      expect(await discountNow(made[0]?.id as string)).toMatchObject({ code: made[0]?.code });
      const missing = await get(`/admin/discounts/${made[0]?.id.slice(0, -4)}ffff`, kit.admin());
      expect(missing.statusCode).toBe(404);
      expect((await get('/admin/discounts/not-a-uuid', kit.admin())).statusCode).toBe(400);
    });

    it('deactivates a code: a cart can no longer apply it', async () => {
      const made = await createDiscount({});
      const off = await patch(`/admin/discounts/${made.id}`, { active: false });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json()).toMatchObject({ active: false, value: 10 });
      const { cartId } = await pricedCart(4_000);
      expectRefused(await applyCode(cartId, made.code), 'inactive');
      expect((await get(`/carts/${cartId}`)).json()).toMatchObject({
        discountCode: null,
        discount: { amount: 0 },
      });
    });

    it('fixes the terms of a used code and never lets its limit fall below its uses', async () => {
      const made = await createDiscount({ value: 20, usageLimit: 5 });
      for (let i = 0; i < 2; i++) {
        const { response } = await orderWithCode(made.code);
        expect(response.statusCode, response.body).toBe(201);
      }
      expect((await discountNow(made.id)).timesUsed).toBe(2);
      const value = await patch(`/admin/discounts/${made.id}`, { value: 30 });
      expect(value.statusCode).toBe(409);
      expect(value.json()).toMatchObject({ code: 'discount_in_use' });
      const minimum = await patch(`/admin/discounts/${made.id}`, { minSubtotal: 100 });
      expect(minimum.statusCode).toBe(409);
      const limit = await patch(`/admin/discounts/${made.id}`, { usageLimit: 1 });
      expect(limit.statusCode).toBe(409);
      expect(limit.json()).toMatchObject({ code: 'below_usage' });
      expect(await discountNow(made.id)).toMatchObject({
        value: 20,
        usageLimit: 5,
        minSubtotal: { amount: 0 },
      });
      // What may still change: the limit (down to the uses), the window, and whether it is active.
      const ok = await patch(`/admin/discounts/${made.id}`, {
        usageLimit: 2,
        endsAt: inDays(7),
        active: false,
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ usageLimit: 2, active: false, timesUsed: 2, value: 20 });
      // An unused code's value can change, within the bounds of its kind.
      const fresh = await createDiscount({ value: 10 });
      expect((await patch(`/admin/discounts/${fresh.id}`, { value: 25 })).json()).toMatchObject({
        value: 25,
      });
      expect((await patch(`/admin/discounts/${fresh.id}`, { value: 101 })).statusCode).toBe(400);
      expect((await patch(`/admin/discounts/${fresh.id}`, { rate: 1 })).statusCode).toBe(400);
      expect(
        (await patch(`/admin/discounts/${fresh.id}`, { startsAt: inDays(3), endsAt: inDays(1) }))
          .statusCode,
      ).toBe(400);
    });
  });

  describe('rules through carts and orders', () => {
    it('matches codes case-insensitively and takes percent or fixed amounts off', async () => {
      const percent = await createDiscount({ code: newCode('Save'), value: 15 });
      const { cartId } = await pricedCart(3_333, 3); // 9 999
      const applied = await applyCode(cartId, `  ${percent.code.toLowerCase()} `);
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toMatchObject({
        discountProblem: null,
        subtotal: { amount: 9_999 },
        discount: { amount: 1_500 }, // 1 499.85, rounded once on the subtotal
      });
      const order = (await placeOrder(cartId)).json() as PlacedOrder;
      expect(order).toMatchObject({ subtotal: { amount: 9_999 }, discount: { amount: 1_500 } });

      const fixed = await createDiscount({ kind: 'fixed', value: 1_250 });
      const second = await orderWithCode(fixed.code.toLowerCase(), uniqueEmail(), 4_000);
      expect(second.response.json()).toMatchObject({ discount: { amount: 1_250 } });
      // A fixed amount larger than the subtotal takes the subtotal, never more.
      const large = await createDiscount({ kind: 'fixed', value: 50_000 });
      const third = await orderWithCode(large.code, uniqueEmail(), 2_000);
      expect(third.response.json()).toMatchObject({
        subtotal: { amount: 2_000 },
        discount: { amount: 2_000 },
      });
    });

    it('refuses unknown, not yet started, expired, below-minimum and used-up codes', async () => {
      const { cartId } = await pricedCart(4_000);
      expectRefused(await applyCode(cartId, newCode('Nope')), 'unknown');
      const later = await createDiscount({ startsAt: inDays(1) });
      expectRefused(await applyCode(cartId, later.code), 'not_started');
      const past = await createDiscount({ startsAt: inDays(-10), endsAt: inDays(-1) });
      expectRefused(await applyCode(cartId, past.code), 'expired');
      const big = await createDiscount({ minSubtotal: 4_001 });
      expectRefused(await applyCode(cartId, big.code), 'minimum_not_met');
      expect(
        (await applyCode(cartId, (await createDiscount({ minSubtotal: 4_000 })).code)).statusCode,
      ).toBe(200);

      const once = await createDiscount({ usageLimit: 1 });
      expect((await orderWithCode(once.code)).response.statusCode).toBe(201);
      expectRefused(await applyCode(cartId, once.code), 'usage_limit_reached');
    });

    it('allows one use per guest email; a second order is refused and stores nothing', async () => {
      const made = await createDiscount({});
      const email = uniqueEmail();
      expect((await orderWithCode(made.code, email)).response.statusCode).toBe(201);
      const again = await orderWithCode(made.code, email.toUpperCase());
      expectRefused(again.response, 'already_used');
      expect(await ordersFor(email)).toBe(1);
      expect(await stockOf(again.v.variantId)).toEqual({ onHand: 5, reserved: 0 });
      expect((await discountNow(made.id)).timesUsed).toBe(1);
      // The cart keeps its lines and code for the shopper to fix.
      expect((await get(`/carts/${again.cartId}`)).json()).toMatchObject({
        discountCode: made.code,
        itemCount: 1,
      });
    });

    it('allows one use per signed-in customer, whatever email the order gives', async () => {
      const made = await createDiscount({});
      const sam = await register();
      const { cartId } = await pricedCart(3_000, 1, sam.headers);
      expect((await applyCode(cartId, made.code, sam.headers)).statusCode).toBe(200);
      expect((await placeOrder(cartId, { email: sam.email }, sam.headers)).statusCode).toBe(201);
      // Their own cart now refuses the code...
      const own = await pricedCart(3_000, 1, sam.headers);
      expectRefused(await applyCode(own.cartId, made.code, sam.headers), 'already_used');
      // ...and so does checkout from a guest cart that holds it, with another email.
      const { v, cartId: guestCart } = await pricedCart(3_000);
      expect((await applyCode(guestCart, made.code)).statusCode).toBe(200);
      const other = uniqueEmail();
      expectRefused(await placeOrder(guestCart, { email: other }, sam.headers), 'already_used');
      expect(await ordersFor(other)).toBe(0);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 0 });
    });

    it('lets exactly one of several racing orders take a last use or one email’s use', async () => {
      const last = await createDiscount({ usageLimit: 1 });
      const perEmail = await createDiscount({});
      const email = uniqueEmail();
      const carts = [];
      for (let i = 0; i < 6; i++) carts.push(await pricedCart(2_000));
      for (const [i, c] of carts.entries()) {
        const code = i < 3 ? last.code : perEmail.code;
        expect((await applyCode(c.cartId, code)).statusCode).toBe(200);
      }
      const answers = await Promise.all(
        carts.map((c, i) => placeOrder(c.cartId, i < 3 ? {} : { email })),
      );
      for (const [group, reason] of [
        [answers.slice(0, 3), 'usage_limit_reached'],
        [answers.slice(3), 'already_used'],
      ] as const) {
        expect(group.map((a) => a.statusCode).sort()).toEqual([201, 422, 422]);
        for (const refused of group.filter((a) => a.statusCode === 422)) {
          expect(refused.json()).toMatchObject({ code: 'invalid_discount', reason });
        }
      }
      expect((await discountNow(last.id)).timesUsed).toBe(1);
      expect((await discountNow(perEmail.id)).timesUsed).toBe(1);
      const reserved = await Promise.all(carts.map((c) => stockOf(c.v.variantId)));
      expect(reserved.map((s) => s.reserved).sort()).toEqual([0, 0, 0, 0, 1, 1]);
    });

    it('gives the use back when an unpaid order is cancelled', async () => {
      const made = await createDiscount({ usageLimit: 1 });
      const email = uniqueEmail();
      const first = (await orderWithCode(made.code, email)).response.json() as PlacedOrder;
      expect((await discountNow(made.id)).timesUsed).toBe(1);
      const cancelled = await post(`/orders/${first.id}/cancel?token=${first.accessToken}`);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
      expect((await discountNow(made.id)).timesUsed).toBe(0);
      const again = await orderWithCode(made.code, email);
      expect(again.response.statusCode, again.response.body).toBe(201);
      expect(again.response.json()).toMatchObject({ discount: { amount: 500 } });
      expect((await discountNow(made.id)).timesUsed).toBe(1);
    });

    it('flags a stored code that stops applying, and checkout then refuses it', async () => {
      const made = await createDiscount({ value: 10 });
      const { v, cartId } = await pricedCart(6_000);
      expect((await applyCode(cartId, made.code)).json()).toMatchObject({
        discount: { amount: 600 },
        discountProblem: null,
      });
      await patch(`/admin/discounts/${made.id}`, { active: false });
      expect((await get(`/carts/${cartId}`)).json()).toMatchObject({
        discountCode: made.code,
        discountProblem: { reason: 'inactive' },
        discount: { amount: 0 },
        total: { amount: 6_500 }, // 6 000 + the 500 standard shipping estimate
      });
      const email = uniqueEmail();
      expectRefused(await placeOrder(cartId, { email }), 'inactive');
      expect(await ordersFor(email)).toBe(0);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 0 });
      // A cart that shrinks below a code's minimum is flagged and refused the same way.
      const min = await createDiscount({ minSubtotal: 5_000 });
      const shrinking = await pricedCart(3_000, 2);
      const withMin = await applyCode(shrinking.cartId, min.code);
      const line = (withMin.json() as { items: { id: string }[] }).items[0]?.id ?? '';
      const shrunk = await patch(`/carts/${shrinking.cartId}/items/${line}`, { quantity: 1 }, {});
      expect(shrunk.json()).toMatchObject({
        discountProblem: { reason: 'minimum_not_met' },
        discount: { amount: 0 },
      });
      expectRefused(await placeOrder(shrinking.cartId), 'minimum_not_met');
      // Removing the code lets the order through at full price.
      expect((await kit.request('DELETE', `/carts/${cartId}/discount`)).statusCode).toBe(200);
      const placed = await placeOrder(cartId, { email });
      expect(placed.json()).toMatchObject({ discount: { amount: 0 }, discountCode: null });
    });
  });
});
