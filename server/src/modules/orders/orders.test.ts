import { createHash, createHmac, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, testJwtSecret } from '../../../test/harness.js';
import { checkoutKit, uniqueEmail, type PlacedOrder } from '../../../test/kits/checkout.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describeEachBackend('checkout and orders on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, post, get, stockedVariant, cartWith, placeOrder, stockOf, register, count } = kit;

  describe('placing an order', () => {
    it('reserves stock, prices from the catalog, snapshots the address and empties the cart', async () => {
      const a = await stockedVariant(5);
      const b = await stockedVariant(5);
      const cartId = await cartWith([
        { variantId: a.variantId, quantity: 2 },
        { variantId: b.variantId, quantity: 1 },
      ]);
      const placed = await placeOrder(cartId, { shippingMethodId: 'express' });
      expect(placed.statusCode, placed.body).toBe(201);
      const order = placed.json() as PlacedOrder;
      const subtotal = a.price * 2 + b.price;
      const tax = Math.floor((2 * (subtotal + 1_500) * 725 + 10_000) / 20_000);
      expect(order).toMatchObject({
        status: 'pending_payment',
        number: expect.stringMatching(/^SR-[2-9A-HJKMNP-Z]{8}$/),
        subtotal: { amount: subtotal, currency: 'USD' },
        discount: { amount: 0, currency: 'USD' },
        shipping: { amount: 1_500, currency: 'USD' },
        tax: { amount: tax, currency: 'USD' },
        total: { amount: subtotal + 1_500 + tax, currency: 'USD' },
        taxRate: 7.25,
        shippingMethod: { id: 'express' },
        shippingAddress: { city: 'San Francisco', region: 'CA', country: 'US' },
        payment: { status: 'pending', provider: 'local', clientSecret: expect.any(String) },
        accessToken: expect.any(String),
      });
      expect(order.items.map((i) => [i.sku, i.quantity])).toEqual([
        [a.sku, 2],
        [b.sku, 1],
      ]);
      expect(await stockOf(a.variantId)).toEqual({ onHand: 5, reserved: 2 });
      expect(await stockOf(b.variantId)).toEqual({ onHand: 5, reserved: 1 });

      const cart = (await get(`/carts/${cartId}`)).json() as { items: unknown[] };
      expect(cart.items).toEqual([]);
      expect(
        await count(
          sql`SELECT count(*)::int AS n FROM outbox WHERE type = 'order_created' AND payload->>'orderId' = ${order.id}`,
        ),
      ).toBe(1);
    });

    it('lets a guest read the order with its token only, compared exactly', async () => {
      const v = await stockedVariant(3);
      const order = (
        await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 1 }]))
      ).json() as PlacedOrder;
      const token = order.accessToken as string;
      expect((await get(`/orders/${order.id}?token=${token}`)).json()).toMatchObject({
        id: order.id,
        number: order.number,
      });
      expect((await get(`/orders/${order.id}`)).statusCode).toBe(404);
      const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expect((await get(`/orders/${order.id}?token=${altered}`)).statusCode).toBe(404);
      const stranger = await register();
      expect((await get(`/orders/${order.id}`, stranger.headers)).statusCode).toBe(404);
      expect((await get(`/orders/${order.id}`, kit.admin())).statusCode).toBe(200);
      // Only the hash is stored.
      const [row] = await queryRows<{ access_token_hash: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT access_token_hash FROM orders WHERE id = ${order.id}::uuid`,
      );
      expect(row?.access_token_hash).not.toContain(token);
      expect(row?.access_token_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses a guest token signed with the access-token key itself, the old scheme', async () => {
      const v = await stockedVariant(3);
      const order = (
        await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 1 }]))
      ).json() as PlacedOrder;
      const oldScheme = createHmac('sha256', testJwtSecret)
        .update(`order-access:${order.id}`)
        .digest('base64url');
      expect(order.accessToken).not.toBe(oldScheme);
      expect((await get(`/orders/${order.id}?token=${oldScheme}`)).statusCode).toBe(404);
      // An order placed before the change stored its old token's hash: that link stops working,
      // and one made now (in an email sent after the change) opens the order.
      await ctx.store.adapters.database.db.execute(
        sql`UPDATE orders SET access_token_hash = ${sha256(oldScheme)} WHERE id = ${order.id}::uuid`,
      );
      expect((await get(`/orders/${order.id}?token=${oldScheme}`)).statusCode).toBe(404);
      expect((await post(`/orders/${order.id}/cancel?token=${oldScheme}`)).statusCode).toBe(404);
      expect((await get(`/orders/${order.id}?token=${order.accessToken}`)).statusCode).toBe(200);
    });

    it('refuses the whole order when a line falls short, listing it, and stores nothing', async () => {
      const plenty = await stockedVariant(10);
      const scarce = await stockedVariant(2);
      const cartId = await cartWith([
        { variantId: plenty.variantId, quantity: 1 },
        { variantId: scarce.variantId, quantity: 2 },
      ]);
      // Someone else buys one of the two meanwhile.
      const other = await placeOrder(
        await cartWith([{ variantId: scarce.variantId, quantity: 1 }]),
      );
      expect(other.statusCode).toBe(201);
      const before = await count(sql`SELECT count(*)::int AS n FROM orders`);
      const refused = await placeOrder(cartId);
      expect(refused.statusCode).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        code: 'insufficient_stock',
        lines: [{ variantId: scarce.variantId, sku: scarce.sku, requested: 2, available: 1 }],
      });
      expect(await count(sql`SELECT count(*)::int AS n FROM orders`)).toBe(before);
      expect(await stockOf(plenty.variantId)).toEqual({ onHand: 10, reserved: 0 });
      expect(await stockOf(scarce.variantId)).toEqual({ onHand: 2, reserved: 1 });
      const cart = (await get(`/carts/${cartId}`)).json() as { items: unknown[] };
      expect(cart.items).toHaveLength(2);
    });

    it('re-prices at checkout: an admin price change after adding applies to the order', async () => {
      const v = await stockedVariant(4);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      await ctx.store.adapters.database.db.execute(
        sql`UPDATE variants SET price_amount = ${v.price + 1_000}, compare_at_amount = NULL WHERE id = ${v.variantId}::uuid`,
      );
      const order = (await placeOrder(cartId)).json() as PlacedOrder;
      expect(order.subtotal.amount).toBe(v.price + 1_000);
      expect(order.items[0]?.unitPrice.amount).toBe(v.price + 1_000);
    });
  });

  describe('bad input stores nothing', () => {
    it.each([
      ['no email', { email: undefined }],
      ['a bad email', { email: 'not-an-email' }],
      ['an unknown field', { couponOverride: true }],
      ['a price field', { total: 1 }],
      [
        'a bad country',
        {
          shippingAddress: {
            firstName: 'A',
            lastName: 'B',
            line1: 'x',
            city: 'y',
            postalCode: '1',
            country: 'USA',
          },
        },
      ],
      [
        'a missing address line',
        {
          shippingAddress: {
            firstName: 'A',
            lastName: 'B',
            city: 'y',
            postalCode: '1',
            country: 'US',
          },
        },
      ],
    ])('%s → 400', async (what, overrides) => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const before = await count(sql`SELECT count(*)::int AS n FROM orders`);
      const response = await placeOrder(cartId, overrides);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        code: what === 'a bad country' ? 'unknown_country' : 'validation_failed',
      });
      expect(await count(sql`SELECT count(*)::int AS n FROM orders`)).toBe(before);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });
    });

    it('needs an Idempotency-Key', async () => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const response = await placeOrder(cartId, {}, {}, null);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'idempotency_key_required' });
      expect(await stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });
    });

    it('refuses an unknown shipping method, an empty cart and an unknown cart', async () => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const method = await placeOrder(cartId, { shippingMethodId: 'teleport' });
      expect(method.statusCode).toBe(422);
      expect(method.json()).toMatchObject({ code: 'invalid_shipping_method' });
      // A domestic-only method abroad.
      const abroad = await placeOrder(cartId, {
        shippingMethodId: 'next_day',
        shippingAddress: {
          ...kit.orderBody('x').shippingAddress,
          country: 'GB',
          region: undefined,
        },
      });
      expect(abroad.statusCode).toBe(422);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });

      const empty = await cartWith([]);
      expect((await placeOrder(empty)).json()).toMatchObject({ status: 422, code: 'cart_empty' });
      expect((await placeOrder('c_doesnotexist')).statusCode).toBe(404);
    });

    it('refuses an archived product at checkout', async () => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const db = ctx.store.adapters.database.db;
      await db.execute(
        sql`UPDATE products SET status = 'archived' WHERE id = (SELECT product_id FROM variants WHERE id = ${v.variantId}::uuid)`,
      );
      const response = await placeOrder(cartId);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'item_unavailable',
        variantIds: [v.variantId],
      });
      expect(await stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });
      await db.execute(
        sql`UPDATE products SET status = 'active' WHERE id = (SELECT product_id FROM variants WHERE id = ${v.variantId}::uuid)`,
      );
    });
  });

  describe('idempotency', () => {
    it('turns 10 concurrent requests with one key into one order, and replays it later', async () => {
      const v = await stockedVariant(10);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const body = kit.orderBody(cartId);
      const key = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post('/orders', body, { 'idempotency-key': key })),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
      const ids = new Set(answers.map((a) => (a.json() as PlacedOrder).id));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 1 });
      expect(
        await count(sql`SELECT count(*)::int AS n FROM orders WHERE email = ${body.email}`),
      ).toBe(1);

      const retry = await post('/orders', body, { 'idempotency-key': key });
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const first = answers[0]?.json() as PlacedOrder;
      expect(retry.json()).toEqual(first);

      const reused = await post(
        '/orders',
        { ...body, email: uniqueEmail() },
        { 'idempotency-key': key },
      );
      expect(reused.statusCode).toBe(409);
      expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused' });
    });

    it('gives the key back when the order fails, so the same request can succeed later', async () => {
      const v = await stockedVariant(1);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      await ctx.store.services.inventory.setOnHand(anonymous, v.variantId, 0);
      const key = randomUUID();
      const body = kit.orderBody(cartId);
      expect((await post('/orders', body, { 'idempotency-key': key })).statusCode).toBe(409);
      await ctx.store.services.inventory.setOnHand(anonymous, v.variantId, 1);
      const second = await post('/orders', body, { 'idempotency-key': key });
      expect(second.statusCode, second.body).toBe(201);
    });
  });
});
