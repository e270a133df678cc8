import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import { storeTeam, stripeStoreKit } from './test-kit.js';

/** The store with PAYMENT_PROVIDER=stripe: intents, webhooks and refunds through the Stripe adapter. */
describe('a store taking payments through Stripe', () => {
  const kit = stripeStoreKit();

  it('pays an order from a signed Stripe webhook and refunds it through Stripe', async () => {
    const { order, intent, variant } = await kit.placedOrder(4);
    expect(order.payment.provider).toBe('stripe');
    expect(intent.amount).toBe(order.total.amount);
    expect(order.payment.clientSecret).toBe(intent.client_secret);

    // Stripe.js confirmed the card in the browser; Stripe now calls the webhook.
    await kit.pay(intent);
    const local = await kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/local',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(local.statusCode).toBe(404);

    await kit.untilStatus(order, 'paid');
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });

    const refund = await kit.post(`/admin/orders/${order.id}/refund`, { amount: 700 }, kit.admin());
    expect(refund.statusCode, refund.body).toBe(200);
    await eventually(async () => {
      const view = await kit.get(`/admin/orders/${order.id}`, kit.admin());
      return (view.json() as { refunds: { status: string }[] }).refunds[0]?.status === 'succeeded';
    });
    expect(kit.standIn.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);
  });

  it('an event for an intent the store never made changes no order, whatever its metadata says', async () => {
    const { order, intent } = await kit.placedOrder(4);
    const refundCalls = () => kit.standIn.requests.filter((r) => r.path === '/v1/refunds').length;
    const refundsBefore = refundCalls();
    const stray = await kit.hook('payment_intent.succeeded', {
      ...intent,
      id: 'pi_made_elsewhere',
      status: 'succeeded',
      amount_received: intent.amount,
    });
    expect(stray.statusCode, stray.body).toBe(200);
    const applied = await kit.count(
      sql`SELECT count(*)::int AS n FROM outbox WHERE type = 'payment_success' AND payload->>'orderId' = ${order.id}`,
    );
    expect(applied).toBe(0);
    expect(
      await kit.count(
        sql`SELECT count(*)::int AS n FROM payment_events WHERE provider_reference = 'pi_made_elsewhere' AND order_id IS NULL`,
      ),
    ).toBe(1);

    // The order's own intent pays it, once, and nothing is refunded.
    await kit.pay(intent);
    const paid = await kit.untilStatus(order, 'paid');
    expect(paid.payment).toMatchObject({ status: 'succeeded', amountRefunded: { amount: 0 } });
    expect(
      await kit.count(
        sql`SELECT count(*)::int AS n FROM refunds WHERE order_id = ${order.id}::uuid`,
      ),
    ).toBe(0);
    expect(refundCalls()).toBe(refundsBefore);
  });

  it("a refund Stripe refuses is failed with Stripe's reason; the order stays paid and the team is told", async () => {
    const { order, intent } = await kit.placedOrder(4);
    await kit.pay(intent);
    await kit.untilStatus(order, 'paid');
    // Someone refunded the charge in Stripe's dashboard; Stripe refuses the store's own refund.
    kit.standIn.refundOutside(intent.id, intent.amount);
    const asked = await kit.post(`/admin/orders/${order.id}/refund`, {}, kit.admin());
    expect(asked.statusCode, asked.body).toBe(200);
    await eventually(
      async () => (await kit.adminOrder(order.id)).refunds[0]?.status === 'failed',
      15_000,
    );
    const view = await kit.adminOrder(order.id);
    expect(view.refunds[0]?.failureReason).toMatch(/has already been refunded/);
    expect(view.status).toBe('paid');
    expect(view.payment).toMatchObject({ status: 'succeeded', amountRefunded: { amount: 0 } });
    await eventually(async () =>
      (await kit.subjectsTo(storeTeam)).includes(`Refund for order ${order.number} refused`),
    );
    expect((await kit.subjectsTo(order.email)).filter((s) => s.includes('refunded'))).toEqual([]);
  });

  it('a refund Stripe cannot answer (an outage) stays pending and is sent again until it is made', async () => {
    const { order, intent } = await kit.placedOrder(4);
    await kit.pay(intent);
    await kit.untilStatus(order, 'paid');
    // The SDK tries three times (two retries); all three meet the outage.
    kit.standIn.failNext('/v1/refunds', 3);
    const asked = await kit.post(`/admin/orders/${order.id}/refund`, { amount: 300 }, kit.admin());
    expect(asked.statusCode, asked.body).toBe(200);
    const refundId = (asked.json() as { refunds: { id: string }[] }).refunds[0]?.id ?? '';
    await eventually(
      async () =>
        (await kit.count(
          sql`SELECT count(*)::int AS n FROM refunds WHERE id = ${refundId}::uuid AND attempts > 0 AND last_error IS NOT NULL`,
        )) === 1,
      15_000,
    );
    expect((await kit.adminOrder(order.id)).refunds[0]?.status).not.toBe('failed');
    // The retry job sends what is still pending; the bus may have retried first.
    await kit.ctx.store.services.payments.retryPendingRefunds(0);
    await eventually(
      async () => (await kit.adminOrder(order.id)).status === 'partially_refunded',
      15_000,
    );
    expect((await kit.adminOrder(order.id)).refunds).toMatchObject([{ status: 'succeeded' }]);
    await eventually(async () =>
      (await kit.subjectsTo(order.email)).includes(`Part of order ${order.number} refunded`),
    );
  });
});
