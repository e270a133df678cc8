import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import type { AdminOrder } from '../orders/index.js';
import { goodCard, paymentKit, storeTeam } from './test-kit.js';

/** Money going back: admin refunds, a paid order's cancellation, and a payment that came too late. */
describeEachBackend('refunds (%s)', (backend) => {
  const kit = paymentKit(backend);

  async function paidOrder(quantity = 1) {
    const placed = await kit.placedOrder(quantity, 5);
    await kit.confirm(placed.order.payment.clientSecret as string, goodCard);
    await kit.untilStatus(placed.order, 'paid');
    return placed;
  }

  const gatewayRefunded = async (orderId: string) => {
    const payment = await kit.paymentRow(orderId);
    const [intent] = await queryRows<{ amount_refunded: number; status: string }>(
      kit.db(),
      sql`SELECT amount_refunded, status FROM gateway.intents WHERE id = ${payment.provider_reference}`,
    );
    return intent;
  };

  const adminOrder = async (id: string) =>
    (await kit.get(`/admin/orders/${id}`, kit.admin())).json() as AdminOrder;

  it('refunds part, then the rest, never more than was paid, through the gateway', async () => {
    const { order } = await paidOrder(2);
    const total = order.total.amount;
    const part = await kit.post(`/admin/orders/${order.id}/refund`, { amount: 500 }, kit.admin());
    expect(part.statusCode, part.body).toBe(200);
    // Asked for, not yet made: the order says so only once the gateway has accepted it.
    expect(part.json()).toMatchObject({ status: 'paid', refunds: [{ status: 'pending' }] });

    await eventually(
      async () => (await adminOrder(order.id)).status === 'partially_refunded',
      15_000,
    );
    expect((await adminOrder(order.id)).refunds[0]?.status).toBe('succeeded');
    expect((await gatewayRefunded(order.id))?.amount_refunded).toBe(500);

    const tooMuch = await kit.post(
      `/admin/orders/${order.id}/refund`,
      { amount: total },
      kit.admin(),
    );
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({
      code: 'refund_exceeds_payment',
      refundable: { amount: total - 500, currency: order.currency },
    });

    const rest = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(rest.statusCode, rest.body).toBe(200);
    await eventually(async () => (await adminOrder(order.id)).status === 'refunded', 15_000);
    const refunded = await adminOrder(order.id);
    expect(refunded.refunds.map((r) => r.amount.amount)).toEqual([500, total - 500]);
    expect(refunded.payment).toMatchObject({
      status: 'refunded',
      amountRefunded: { amount: total, currency: order.currency },
    });
    await eventually(
      async () => (await gatewayRefunded(order.id))?.amount_refunded === total,
      15_000,
    );

    const again = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_transition' });
    await eventually(
      async () => kit.templatesTo(order.email).filter((s) => s.includes('refunded')).length === 2,
      15_000,
    );
    expect(kit.templatesTo(order.email)).toContain(`Part of order ${order.number} refunded`);
  });

  it('a refund the gateway refuses is marked failed with its reason: the order and the shopper are told nothing untrue, the store team is told', async () => {
    const { order } = await paidOrder(1);
    // The money went back another way (at the gateway itself): the gateway now refuses.
    const payment = await kit.paymentRow(order.id);
    await kit
      .db()
      .execute(
        sql`UPDATE gateway.intents SET amount_refunded = amount WHERE id = ${payment.provider_reference}`,
      );
    const asked = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'paid', refunds: [{ status: 'pending' }] });

    await eventually(
      async () => (await adminOrder(order.id)).refunds[0]?.status === 'failed',
      15_000,
    );
    const view = await adminOrder(order.id);
    expect(view.status).toBe('paid');
    expect(view.payment).toMatchObject({ status: 'succeeded', amountRefunded: { amount: 0 } });
    expect(view.refunds[0]?.failureReason).toMatch(/At most 0 can be refunded/);
    await eventually(async () =>
      (await adminOrder(order.id)).history.some((step) => /refused/.test(step.reason ?? '')),
    );
    await eventually(
      async () => kit.templatesTo(storeTeam).includes(`Refund for order ${order.number} refused`),
      15_000,
    );
    const alert = kit.mail.smtp.to(storeTeam).find((m) => m.subject.includes(order.number));
    expect(alert?.text).toContain('At most 0 can be refunded');
    expect(kit.templatesTo(order.email).filter((s) => s.includes('refunded'))).toEqual([]);
    // Nothing is held back by the failed refund: it can be asked for again.
    const again = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(again.statusCode, again.body).toBe(200);
  });

  it('refunds are for admins, for paid orders, in positive whole amounts', async () => {
    const { order } = await kit.placedOrder();
    const customer = await kit.register();
    const asCustomer = await kit.post(`/admin/orders/${order.id}/refund`, {}, customer.headers);
    expect(asCustomer.statusCode).toBe(403);
    const anonymous = await kit.post(`/admin/orders/${order.id}/refund`, {});
    expect(anonymous.statusCode).toBe(401);
    const unpaid = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(unpaid.statusCode).toBe(409);
    for (const amount of [0, -5, 1.5, '100']) {
      const bad = await kit.post(`/admin/orders/${order.id}/refund`, { amount }, kit.admin());
      expect(bad.statusCode, JSON.stringify(amount)).toBe(400);
    }
    const extra = await kit.post(
      `/admin/orders/${order.id}/refund`,
      { amount: 1, status: 'refunded' },
      kit.admin(),
    );
    expect(extra.statusCode).toBe(400);
  });

  it('a paid order cancelled by its customer is refunded in full and restocked', async () => {
    const { order, variant } = await paidOrder(2);
    const cancelled = await kit.post(`/orders/${order.id}/cancel?token=${order.accessToken}`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 5, reserved: 0 });
    await eventually(
      async () => (await adminOrder(order.id)).refunds[0]?.status === 'succeeded',
      15_000,
    );
    const view = await adminOrder(order.id);
    expect(view.refunds).toMatchObject([
      { amount: { amount: order.total.amount }, reason: 'cancelled' },
    ]);
    expect((await gatewayRefunded(order.id))?.amount_refunded).toBe(order.total.amount);
    await eventually(async () =>
      kit.templatesTo(order.email).includes(`Order ${order.number} was cancelled`),
    );
  });

  it('a payment that arrives after the order was cancelled is refunded automatically, not lost', async () => {
    const { order, variant } = await kit.placedOrder(1, 3);
    const cancelled = await kit.post(`/orders/${order.id}/cancel?token=${order.accessToken}`);
    expect(cancelled.statusCode).toBe(200);
    const payment = await kit.paymentRow(order.id);
    // The store tells the gateway to cancel the intent; the shopper's payment overtakes that call.
    await eventually(async () => (await gatewayRefunded(order.id))?.status === 'canceled', 15_000);
    await kit
      .db()
      .execute(
        sql`UPDATE gateway.intents SET status = 'requires_payment_method' WHERE id = ${payment.provider_reference}`,
      );
    expect(
      (await kit.confirm(order.payment.clientSecret as string, goodCard)).json(),
    ).toMatchObject({
      status: 'succeeded',
    });

    await eventually(
      async () => (await adminOrder(order.id)).refunds[0]?.status === 'succeeded',
      15_000,
    );
    const view = await adminOrder(order.id);
    expect(view.status).toBe('cancelled');
    expect(view.refunds).toMatchObject([
      { amount: { amount: order.total.amount }, reason: 'late_payment' },
    ]);
    expect(view.payment).toMatchObject({ status: 'refunded' });
    expect((await gatewayRefunded(order.id))?.amount_refunded).toBe(order.total.amount);
    // The cancellation released the stock; the late payment takes none of it.
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });
    await eventually(async () =>
      kit.templatesTo(order.email).includes(`Order ${order.number} refunded`),
    );
  });
});
