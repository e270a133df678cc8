import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous, inTransaction } from '../../platform/context.js';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend } from '../../../test/harness.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

describeEachBackend('order lifecycle on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, post, get, stockedVariant, cartWith, placeOrder, stockOf, register, count } = kit;
  const services = () => ctx.store.services;

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
      // The order's own UTC day, which a run crossing midnight would not get from the clock.
      const placedOn = new Date(order.createdAt).toISOString().slice(0, 10);
      expect(await found(`from=${placedOn}&to=${placedOn}&limit=100`)).toContain(order.id);
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
