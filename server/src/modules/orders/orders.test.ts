import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { queryRows } from '../../platform/db/index.js';
import { backends } from '../../../test/harness.js';
import { checkoutKit, uniqueEmail, type PlacedOrder } from './test-kit.js';

describe.each(backends())('checkout and orders on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, post, get, stockedVariant, cartWith, placeOrder, stockOf, register, count } = kit;
  const services = () => ctx.store.services;

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
    ])('%s → 400', async (_what, overrides) => {
      const v = await stockedVariant(3);
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const before = await count(sql`SELECT count(*)::int AS n FROM orders`);
      const response = await placeOrder(cartId, overrides);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
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

  describe('status changes', () => {
    async function pendingOrder(quantity = 1, headers: Record<string, string> = {}) {
      const v = await stockedVariant(5);
      const response = await placeOrder(
        await cartWith([{ variantId: v.variantId, quantity }], headers),
        {},
        headers,
      );
      expect(response.statusCode, response.body).toBe(201);
      return { v, order: response.json() as PlacedOrder };
    }

    it('cancels an unpaid order with its token, releasing stock once; a second cancel is refused', async () => {
      const { v, order } = await pendingOrder(2);
      const cancelled = await post(`/orders/${order.id}/cancel?token=${order.accessToken}`);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json()).toMatchObject({
        status: 'cancelled',
        payment: { status: 'cancelled' },
      });
      expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 0 });
      const again = await post(`/orders/${order.id}/cancel?token=${order.accessToken}`);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({
        code: 'invalid_transition',
        from: 'cancelled',
        to: 'cancelled',
      });
      expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 0 });
      expect((await post(`/orders/${order.id}/cancel`)).statusCode).toBe(404);
    });

    it('moves a paid order through fulfilment and delivery, and refuses what the machine forbids', async () => {
      const { v, order } = await pendingOrder(2);
      const fulfilEarly = await post(
        `/admin/orders/${order.id}/fulfil`,
        { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' },
        kit.admin(),
      );
      expect(fulfilEarly.json()).toMatchObject({ status: 409, code: 'invalid_transition' });

      const paid = await inTransaction(ctx.store.adapters.database.db, anonymous, (tx) =>
        services().orders.markPaid(tx, order.id),
      );
      expect(paid).toBe(true);
      expect(await stockOf(v.variantId)).toEqual({ onHand: 3, reserved: 0 });
      const paidAgain = await inTransaction(ctx.store.adapters.database.db, anonymous, (tx) =>
        services().orders.markPaid(tx, order.id),
      );
      expect(paidAgain).toBe(false);

      const fulfilled = await post(
        `/admin/orders/${order.id}/fulfil`,
        { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' },
        kit.admin(),
      );
      expect(fulfilled.json()).toMatchObject({
        status: 'fulfilled',
        fulfilment: { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' },
      });
      expect(
        (await post(`/admin/orders/${order.id}/cancel`, undefined, kit.admin())).statusCode,
      ).toBe(409);
      expect(
        (await post(`/admin/orders/${order.id}/deliver`, undefined, kit.admin())).json(),
      ).toMatchObject({ status: 'delivered' });
      const detail = (await get(`/admin/orders/${order.id}`, kit.admin())).json() as {
        history: { from: string | null; to: string; actor: string }[];
      };
      expect(detail.history.map((h) => `${h.from ?? ''}→${h.to}:${h.actor}`)).toEqual([
        '→pending_payment:guest',
        'pending_payment→paid:system',
        'paid→fulfilled:admin',
        'fulfilled→delivered:admin',
      ]);
      expect(
        await count(
          sql`SELECT count(*)::int AS n FROM outbox WHERE type = 'order_fulfilled' AND payload->>'orderId' = ${order.id}`,
        ),
      ).toBe(1);
    });

    it('cancels a paid order by admin: units go back on the shelf and a refund is due', async () => {
      const { v, order } = await pendingOrder(1);
      await inTransaction(ctx.store.adapters.database.db, anonymous, (tx) =>
        services().orders.markPaid(tx, order.id),
      );
      expect(await stockOf(v.variantId)).toEqual({ onHand: 4, reserved: 0 });
      const cancelled = await post(`/admin/orders/${order.id}/cancel`, undefined, kit.admin());
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
      expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 0 });
      const [event] = await queryRows<{ payload: { refundDue: boolean; reason: string } }>(
        ctx.store.adapters.database.db,
        sql`SELECT payload FROM outbox WHERE type = 'order_cancelled' AND payload->>'orderId' = ${order.id}`,
      );
      expect(event?.payload).toMatchObject({ refundDue: true, reason: 'admin' });
    });

    it('keeps customers to their own orders', async () => {
      const ann = await register();
      const bob = await register();
      const { order } = await pendingOrder(1, ann.headers);
      expect(order.accessToken).toBeUndefined();
      expect((await get(`/orders/${order.id}`, ann.headers)).statusCode).toBe(200);
      expect((await get(`/orders/${order.id}`, bob.headers)).statusCode).toBe(404);
      expect((await post(`/orders/${order.id}/cancel`, undefined, bob.headers)).statusCode).toBe(
        404,
      );
      expect((await get('/orders', bob.headers)).json()).toEqual({ items: [], nextCursor: null });
      expect((await get('/orders')).statusCode).toBe(401);
      expect((await get('/admin/orders', ann.headers)).statusCode).toBe(403);
    });

    it('lists a customer’s orders newest first with cursor paging', async () => {
      const ann = await register();
      const placed: string[] = [];
      for (let i = 0; i < 3; i++) placed.push((await pendingOrder(1, ann.headers)).order.id);
      const first = (await get('/orders?limit=2', ann.headers)).json() as {
        items: { id: string; itemCount: number }[];
        nextCursor: string;
      };
      expect(first.items.map((o) => o.id)).toEqual([placed[2], placed[1]]);
      expect(first.items[0]?.itemCount).toBe(1);
      const second = (
        await get(`/orders?limit=2&cursor=${first.nextCursor}`, ann.headers)
      ).json() as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      expect(second).toEqual({
        items: [expect.objectContaining({ id: placed[0] })],
        nextCursor: null,
      });
      expect((await get('/orders?cursor=bogus', ann.headers)).statusCode).toBe(400);
    });

    it('lets an admin find orders by status, email, number and date', async () => {
      const { order } = await pendingOrder(1);
      const found = async (query: string) =>
        (
          (await get(`/admin/orders?${query}`, kit.admin())).json() as { items: { id: string }[] }
        ).items.map((o) => o.id);
      expect(await found(`email=${encodeURIComponent(order.email.toUpperCase())}`)).toEqual([
        order.id,
      ]);
      expect(await found(`number=${order.number.toLowerCase()}`)).toEqual([order.id]);
      expect(await found('status=pending_payment&limit=100')).toContain(order.id);
      expect(await found('status=delivered&limit=100')).not.toContain(order.id);
      const today = new Date().toISOString().slice(0, 10);
      expect(await found(`from=${today}&to=${today}&limit=100`)).toContain(order.id);
      expect(await found(`to=2000-01-01`)).toEqual([]);
      expect((await get('/admin/orders?status=lost', kit.admin())).statusCode).toBe(400);
    });
  });

  describe('stock administration', () => {
    it('shows on hand and reserved per variant and never sets on hand below reserved', async () => {
      const v = await stockedVariant(4);
      await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 3 }]));
      const [row] = await queryRows<{ product_id: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT product_id FROM variants WHERE id = ${v.variantId}::uuid`,
      );
      const product = (await get(`/admin/products/${row?.product_id}`, kit.admin())).json() as {
        variants: { id: string; onHand: number; reserved: number; available: number }[];
      };
      expect(product.variants.find((x) => x.id === v.variantId)).toMatchObject({
        onHand: 4,
        reserved: 3,
        available: 1,
      });
      const below = await kit.request(
        'PATCH',
        `/admin/variants/${v.variantId}/inventory`,
        { onHand: 2 },
        kit.admin(),
      );
      expect(below.statusCode).toBe(409);
      expect(below.json()).toMatchObject({ code: 'below_reserved', reserved: 3 });
      const raised = await kit.request(
        'PATCH',
        `/admin/variants/${v.variantId}/inventory`,
        { onHand: 9 },
        kit.admin(),
      );
      expect(raised.json()).toEqual({
        variantId: v.variantId,
        onHand: 9,
        reserved: 3,
        available: 6,
      });
      const customer = await register();
      expect(
        (
          await kit.request(
            'PATCH',
            `/admin/variants/${v.variantId}/inventory`,
            { onHand: 1 },
            customer.headers,
          )
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await kit.request(
            'PATCH',
            `/admin/variants/${v.variantId}/inventory`,
            { onHand: -1 },
            kit.admin(),
          )
        ).statusCode,
      ).toBe(400);
    });
  });
});
