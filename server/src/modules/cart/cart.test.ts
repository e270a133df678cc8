import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { describeEachBackend } from '../../../test/harness.js';
import { ensureAdmin } from '../accounts/index.js';
import { strongPassword, uniqueEmail, type AuthResult } from '../../../test/kits/accounts.js';
import { cartKit, randomCartId } from './test-kit.js';

describeEachBackend('cart on %s backends', (backend) => {
  const kit = cartKit(backend);
  const { ctx, takeVariants, takeVariant, call, ok, fails, newCart, getCart, add, register } = kit;
  const db = () => ctx.store.adapters.database.db;

  describe('a guest cart', () => {
    it('adds, updates and removes lines, with totals priced from the catalog', async () => {
      const [a, b] = await takeVariants(2);
      if (!a || !b) throw new Error('no variants');
      const created = await newCart();
      expect(created.id).toMatch(/^c_[A-Za-z0-9_-]{32}$/);
      expect(created).toMatchObject({ items: [], itemCount: 0, subtotal: { amount: 0 } });

      await add(created.id, a.id, 2);
      let cart = await add(created.id, b.id, 1);
      expect(cart.items).toHaveLength(2);
      expect(cart.items[0]).toMatchObject({
        variantId: a.id,
        sku: a.sku,
        productSlug: a.productSlug,
        quantity: 2,
        unitPrice: { amount: a.price, currency: 'USD' },
        lineTotal: { amount: 2 * a.price, currency: 'USD' },
        priceChanged: false,
        purchasable: true,
        available: 50,
      });
      const subtotal = 2 * a.price + b.price;
      const shipping = await kit.cheapestShipping(subtotal);
      expect(cart).toMatchObject({
        itemCount: 3,
        subtotal: { amount: subtotal, currency: 'USD' },
        discount: { amount: 0 },
        shipping: { amount: shipping },
        tax: { amount: 0 },
        total: { amount: subtotal + shipping },
        currency: 'USD',
        discountCode: null,
        discountProblem: null,
      });

      const [lineA, lineB] = cart.items;
      cart = await ok('PATCH', `/carts/${cart.id}/items/${lineA?.id}`, { quantity: 4 });
      expect(cart.items.find((i) => i.id === lineA?.id)?.quantity).toBe(4);
      expect(cart.subtotal.amount).toBe(4 * a.price + b.price);

      cart = await ok('DELETE', `/carts/${cart.id}/items/${lineB?.id}`);
      expect(cart.items.map((i) => i.variantId)).toEqual([a.id]);
      await fails(404, 'DELETE', `/carts/${cart.id}/items/${lineB?.id}`);
      await fails(404, 'PATCH', `/carts/${cart.id}/items/${lineB?.id}`, { quantity: 1 });

      cart = await ok('PATCH', `/carts/${cart.id}/items/${lineA?.id}`, { quantity: 0 });
      expect(cart).toMatchObject({ items: [], itemCount: 0, subtotal: { amount: 0 } });
      expect((await getCart(cart.id)).items).toEqual([]);
    });

    it('adds to the existing line of a variant, up to 10 units', async () => {
      const variant = await takeVariant();
      const { id } = await newCart();
      await add(id, variant.id, 2);
      const cart = await add(id, variant.id, 3);
      expect(cart.items).toHaveLength(1);
      expect(cart.items[0]?.quantity).toBe(5);
      const problem = await fails(422, 'POST', `/carts/${id}/items`, {
        variantId: variant.id,
        quantity: 6,
      });
      expect(problem.code).toBe('quantity_limit');
      expect((await getCart(id)).items[0]?.quantity).toBe(5);
      const full = await ok('PATCH', `/carts/${id}/items/${cart.items[0]?.id}`, { quantity: 10 });
      expect(full.items[0]?.quantity).toBe(10);
      const over = await fails(422, 'POST', `/carts/${id}/items`, {
        variantId: variant.id,
        quantity: 1,
      });
      expect(over.code).toBe('quantity_limit');
    });

    it('refuses malformed bodies and prices from the client with 400, storing nothing', async () => {
      const variant = await takeVariant();
      const { id, updatedAt } = await newCart();
      const line = { variantId: variant.id, quantity: 1 };
      for (const body of [
        { ...line, quantity: 0 },
        { ...line, quantity: 11 },
        { ...line, quantity: -1 },
        { ...line, quantity: 1.5 },
        { ...line, quantity: '2' },
        { ...line, unitPrice: 1 },
        { ...line, price: { amount: 1, currency: 'USD' } },
        { ...line, color: 'red' },
        { variantId: 'not-a-uuid', quantity: 1 },
        { quantity: 1 },
      ]) {
        const problem = await fails(400, 'POST', `/carts/${id}/items`, body);
        expect(problem.code).toBe('validation_failed');
      }
      const cart = await getCart(id);
      expect(cart.items).toEqual([]);
      expect(cart.updatedAt).toBe(updatedAt);

      const withLine = await add(id, variant.id, 1);
      const itemUrl = `/carts/${id}/items/${withLine.items[0]?.id}`;
      for (const body of [{ quantity: -1 }, { quantity: 11 }, { quantity: 2, unitPrice: 1 }, {}]) {
        await fails(400, 'PATCH', itemUrl, body);
      }
      await fails(400, 'POST', `/carts/${id}/discount`, { code: 'X', amount: 100 });
      expect((await getCart(id)).items[0]?.quantity).toBe(1);
      await fails(400, 'GET', '/carts/not-a-cart');
      await fails(404, 'GET', `/carts/${randomCartId()}`);
      await fails(404, 'POST', `/carts/${randomCartId()}/items`, line);
    });

    it('refuses an unknown variant or an archived product with 422', async () => {
      const variant = await takeVariant();
      const { id } = await newCart();
      const unknown = await fails(422, 'POST', `/carts/${id}/items`, {
        variantId: '01900000-0000-7000-8000-000000000000',
        quantity: 1,
      });
      expect(unknown.code).toBe('item_unavailable');

      const cart = await add(id, variant.id, 2);
      await db().execute(
        sql`UPDATE products SET status = 'archived' WHERE id = ${variant.productId}::uuid`,
      );
      await ctx.store.services.catalog.productsChanged();
      const archived = await fails(422, 'POST', `/carts/${id}/items`, {
        variantId: variant.id,
        quantity: 1,
      });
      expect(archived.code).toBe('item_unavailable');
      // Already in the cart: still shown, but it can no longer be bought or counted.
      const shown = await getCart(id);
      expect(shown.items[0]).toMatchObject({ purchasable: false, available: 0, quantity: 2 });
      expect(shown.subtotal.amount).toBe(0);
      await fails(422, 'PATCH', `/carts/${id}/items/${cart.items[0]?.id}`, { quantity: 1 });
    });

    it('refuses more than can be bought with 409 insufficient_stock', async () => {
      const variant = await takeVariant(3);
      const { id } = await newCart();
      const problem = await fails(409, 'POST', `/carts/${id}/items`, {
        variantId: variant.id,
        quantity: 4,
      });
      expect(problem).toMatchObject({
        code: 'insufficient_stock',
        lines: [{ variantId: variant.id, requested: 4, available: 3 }],
      });
      expect((await getCart(id)).items).toEqual([]);
      await add(id, variant.id, 3);
      const more = await fails(409, 'POST', `/carts/${id}/items`, {
        variantId: variant.id,
        quantity: 1,
      });
      expect(more.lines?.[0]).toMatchObject({ requested: 4, available: 3 });
    });
  });

  describe('privacy', () => {
    it("answers 404 to anyone but the owner of a user's cart, admins included", async () => {
      const variant = await takeVariant();
      const [owner, other] = [await register(), await register()];
      const cart = await newCart(owner.accessToken);
      expect((await newCart(owner.accessToken)).id).toBe(cart.id);
      await add(cart.id, variant.id, 1, owner.accessToken);

      await fails(404, 'GET', `/carts/${cart.id}`, undefined, other.accessToken);
      await fails(404, 'GET', `/carts/${cart.id}`);
      await fails(404, 'POST', `/carts/${cart.id}/items`, { variantId: variant.id, quantity: 1 });
      await fails(404, 'DELETE', `/carts/${cart.id}/discount`, undefined, other.accessToken);

      const adminEmail = uniqueEmail();
      await ensureAdmin(db(), adminEmail, strongPassword);
      const admin = (
        await call('POST', '/auth/login', { email: adminEmail, password: strongPassword })
      ).json() as AuthResult;
      expect(admin.user.role).toBe('admin');
      await fails(404, 'GET', `/carts/${cart.id}`, undefined, admin.accessToken);

      expect((await getCart(cart.id, owner.accessToken)).items[0]?.quantity).toBe(1);
      // A guest cart answers to whoever holds its id, signed in or not.
      const guest = await newCart();
      expect((await getCart(guest.id, other.accessToken)).id).toBe(guest.id);
      await fails(401, 'GET', `/carts/${guest.id}`, undefined, 'not-a-valid-token');
    });
  });

  describe('concurrent writes', () => {
    it('keeps every line when 20 different variants are added at once', async () => {
      const variants = await takeVariants(20);
      const { id } = await newCart();
      const responses = await Promise.all(
        variants.map((v) => call('POST', `/carts/${id}/items`, { variantId: v.id, quantity: 1 })),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(variants.map(() => 200));
      const cart = await getCart(id);
      expect(cart.items.map((i) => i.variantId).sort()).toEqual(variants.map((v) => v.id).sort());
    });

    it('sums concurrent adds of one variant exactly, up to the limit', async () => {
      const variant = await takeVariant(100);
      const { id } = await newCart();
      const responses = await Promise.all(
        Array.from({ length: 13 }, () =>
          call('POST', `/carts/${id}/items`, { variantId: variant.id, quantity: 1 }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 422)).toHaveLength(3);
      const cart = await getCart(id);
      expect(cart.items).toHaveLength(1);
      expect(cart.items[0]?.quantity).toBe(10);
    });
  });

  describe('live prices and stock', () => {
    it('re-prices every answer and flags a changed price until the line is written', async () => {
      const variant = await takeVariant(20);
      const { id } = await newCart();
      const before = await add(id, variant.id, 2);
      const newPrice = variant.price + 500;
      await db().execute(
        sql`UPDATE variants SET price_amount = ${newPrice} WHERE id = ${variant.id}::uuid`,
      );
      const after = await getCart(id);
      expect(after.items[0]).toMatchObject({
        unitPrice: { amount: newPrice },
        lineTotal: { amount: 2 * newPrice },
        priceChanged: true,
      });
      expect(after.subtotal.amount).toBe(before.subtotal.amount + 1000);
      expect(after.total.amount).toBe(
        after.subtotal.amount + after.shipping.amount - after.discount.amount,
      );
      const seen = await ok('PATCH', `/carts/${id}/items/${after.items[0]?.id}`, { quantity: 2 });
      expect(seen.items[0]?.priceChanged).toBe(false);

      await ctx.store.services.inventory.setOnHand(anonymous, variant.id, 1);
      const short = await getCart(id);
      expect(short.items[0]).toMatchObject({ available: 1, quantity: 2 });
      await fails(409, 'PATCH', `/carts/${id}/items/${short.items[0]?.id}`, { quantity: 2 });
      expect(
        (await ok('PATCH', `/carts/${id}/items/${short.items[0]?.id}`, { quantity: 1 })).items[0]
          ?.quantity,
      ).toBe(1);
    });
  });

  describe('discount codes', () => {
    const createCode = (code: string, kind: 'percent' | 'fixed', value: number, minSubtotal = 0) =>
      ctx.store.services.pricing.discounts.create(anonymous, {
        code,
        kind,
        value,
        currency: 'USD',
        minSubtotal,
        active: true,
      });

    it('applies percent and fixed codes, refuses invalid ones with a reason, and removes them', async () => {
      const suffix = Date.now().toString(36).toUpperCase();
      await createCode(`TEN${suffix}`, 'percent', 10);
      await createCode(`FIVER${suffix}`, 'fixed', 500);
      await createCode(`BIG${suffix}`, 'percent', 50, 100_000_000);
      const variant = await takeVariant();
      const { id } = await newCart();
      const lines = await add(id, variant.id, 3);
      const subtotal = 3 * variant.price;

      const percent = await ok('POST', `/carts/${id}/discount`, { code: `  ten${suffix} ` });
      const off = Math.floor((2 * subtotal * 10 + 100) / 200);
      expect(percent).toMatchObject({
        discountCode: `TEN${suffix}`,
        discountProblem: null,
        discount: { amount: off },
        total: { amount: subtotal - off + percent.shipping.amount },
      });

      const fixed = await ok('POST', `/carts/${id}/discount`, { code: `FIVER${suffix}` });
      expect(fixed).toMatchObject({ discountCode: `FIVER${suffix}`, discount: { amount: 500 } });

      const tooSmall = await fails(422, 'POST', `/carts/${id}/discount`, { code: `BIG${suffix}` });
      expect(tooSmall).toMatchObject({ code: 'invalid_discount', reason: 'minimum_not_met' });
      const unknown = await fails(422, 'POST', `/carts/${id}/discount`, { code: 'NOSUCHCODE' });
      expect(unknown).toMatchObject({ code: 'invalid_discount', reason: 'unknown' });
      expect((await getCart(id)).discountCode).toBe(`FIVER${suffix}`);

      // A code that stops applying stays, takes nothing off, and says why.
      await db().execute(
        sql`UPDATE discounts SET min_subtotal = ${subtotal} WHERE code = ${`FIVER${suffix}`}`,
      );
      const shrunk = await ok('PATCH', `/carts/${id}/items/${lines.items[0]?.id}`, { quantity: 1 });
      expect(shrunk).toMatchObject({
        discountCode: `FIVER${suffix}`,
        discountProblem: { reason: 'minimum_not_met' },
        discount: { amount: 0 },
      });

      const removed = await ok('DELETE', `/carts/${id}/discount`);
      expect(removed).toMatchObject({
        discountCode: null,
        discountProblem: null,
        discount: { amount: 0 },
      });
    });
  });
});
