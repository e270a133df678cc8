import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import { stripeStoreKit } from './test-kit.js';

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
});
