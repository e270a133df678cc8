import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { connectPostgres, queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually, silentLogger } from '../../../test/harness.js';
import { createServices } from '../index.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

/**
 * Unpaid orders give their stock back after ORDER_PAYMENT_TIMEOUT, exactly once. It is ten minutes
 * here, so no slow moment can make an order due before the test sweeps as of a moment past it.
 */
const timeoutSeconds = 600;
const pastTheDeadline = () => new Date(Date.now() + (timeoutSeconds + 1) * 1000);

describeEachBackend('expiry of unpaid orders on %s backends', (backend) => {
  const kit = checkoutKit(backend, { env: { ORDER_PAYMENT_TIMEOUT: String(timeoutSeconds) } });
  const { ctx, stockedVariant, cartWith, placeOrder, stockOf, count } = kit;

  async function pending(quantity: number) {
    const v = await stockedVariant(10);
    const response = await placeOrder(await cartWith([{ variantId: v.variantId, quantity }]));
    expect(response.statusCode, response.body).toBe(201);
    return { v, order: response.json() as PlacedOrder };
  }

  it('releases each expired order once when two workers sweep at the same moment', async () => {
    const placed = await Promise.all([pending(1), pending(2), pending(3)]);
    for (const { v, order } of placed) {
      expect(await stockOf(v.variantId)).toMatchObject({ reserved: order.items[0]?.quantity });
    }
    const asOf = pastTheDeadline();

    // A second worker: its own services and, on PostgreSQL, its own connection pool.
    const second =
      backend === 'services'
        ? await connectPostgres(ctx.store.adapters.databaseUrl as string, { max: 3 })
        : null;
    const otherServices = second
      ? createServices({
          config: ctx.store.config,
          adapters: { ...ctx.store.adapters, database: second },
          logger: silentLogger,
        })
      : ctx.store.services;
    try {
      const sweeps = await Promise.all([
        ctx.store.services.orders.expireDue(anonymous, 1, asOf),
        otherServices.orders.expireDue(anonymous, 1, asOf),
        ctx.store.services.orders.expireDue(anonymous, 50, asOf),
        otherServices.orders.expireDue(anonymous, 50, asOf),
      ]);
      expect(sweeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    } finally {
      await second?.close();
    }

    for (const { v, order } of placed) {
      expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 0 });
      const detail = (
        await kit.get(`/orders/${order.id}?token=${order.accessToken}`)
      ).json() as PlacedOrder;
      expect(detail.status).toBe('cancelled');
      expect(
        await count(
          sql`SELECT count(*)::int AS n FROM order_history WHERE order_id = ${order.id}::uuid AND to_status = 'cancelled'`,
        ),
      ).toBe(1);
      expect(
        await count(
          sql`SELECT count(*)::int AS n FROM outbox
              WHERE type = 'inventory_update' AND payload->>'orderId' = ${order.id} AND payload->>'reason' = 'released'`,
        ),
      ).toBe(1);
      const [event] = await queryRows<{ payload: { reason: string; refundDue: boolean } }>(
        ctx.store.adapters.database.db,
        sql`SELECT payload FROM outbox WHERE type = 'order_cancelled' AND payload->>'orderId' = ${order.id}`,
      );
      expect(event?.payload).toMatchObject({ reason: 'expired', refundDue: false });
    }
  });

  it('leaves orders alone until they are due, and a paid order is never expired', async () => {
    const { v, order } = await pending(1);
    expect(await ctx.store.services.orders.expireDue(anonymous)).toBe(0);
    expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 1 });
    await ctx.store.adapters.database.db.transaction((tx) =>
      ctx.store.services.orders.markPaid({ actor: null, tx, afterCommit: () => {} }, order.id),
    );
    // An unpaid order placed beside it is due by the same moment, and is expired.
    const unpaid = await pending(1);
    await ctx.store.services.orders.expireDue(anonymous, 50, pastTheDeadline());
    expect(await stockOf(unpaid.v.variantId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await stockOf(v.variantId)).toEqual({ onHand: 9, reserved: 0 });
    const detail = (
      await kit.get(`/orders/${order.id}?token=${order.accessToken}`)
    ).json() as PlacedOrder;
    expect(detail.status).toBe('paid');
  });

  it('waits for a payment the provider is still processing (a bank debit takes days)', async () => {
    const { v, order } = await pending(1);
    await ctx.store.adapters.database.db.execute(
      sql`UPDATE payments SET status = 'processing' WHERE order_id = ${order.id}::uuid`,
    );
    const unpaid = await pending(1);
    await ctx.store.services.orders.expireDue(anonymous, 50, pastTheDeadline());
    expect(await stockOf(unpaid.v.variantId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 1 });
    const detail = (
      await kit.get(`/orders/${order.id}?token=${order.accessToken}`)
    ).json() as PlacedOrder;
    expect(detail.status).toBe('pending_payment');
  });
});

describe('the expiry job in the worker', () => {
  const kit = checkoutKit('embedded', { env: { ORDER_PAYMENT_TIMEOUT: '2' }, worker: true });

  it('cancels an unpaid order on its own shortly after the timeout', async () => {
    const v = await kit.stockedVariant(4);
    const order = (
      await kit.placeOrder(await kit.cartWith([{ variantId: v.variantId, quantity: 2 }]))
    ).json() as PlacedOrder;
    expect(await kit.stockOf(v.variantId)).toEqual({ onHand: 4, reserved: 2 });
    await eventually(async () => (await kit.stockOf(v.variantId)).reserved === 0, 10_000);
    const detail = (
      await kit.get(`/orders/${order.id}?token=${order.accessToken}`)
    ).json() as PlacedOrder;
    expect(detail.status).toBe('cancelled');
  });
});
