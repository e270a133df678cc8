import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '../../../test/harness.js';
import { checkoutKit, type PlacedOrder } from '../orders/test-kit.js';
import { eventBody, sign, stripeStandIn, webhookSecret } from './stripe-stand-in.js';

/** The store with PAYMENT_PROVIDER=stripe: intents, webhooks and refunds through the Stripe adapter. */
describe('a store taking payments through Stripe', () => {
  const standIn = stripeStandIn();
  const api = {} as { url: string };
  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => standIn.server.listen(port, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${port}`;
  });
  const kit = checkoutKit('embedded', {
    worker: true,
    env: {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_store',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_store',
      get STRIPE_API_URL() {
        return api.url;
      },
    },
  });
  afterAll(() => new Promise((resolve) => standIn.server.close(resolve)));

  it('pays an order from a signed Stripe webhook and refunds it through Stripe', async () => {
    const variant = await kit.stockedVariant(4);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 1 }]);
    const placed = await kit.placeOrder(cartId);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder;
    expect(order.payment.provider).toBe('stripe');
    const intent = [...standIn.intents.values()].find((i) => i.metadata.orderId === order.id);
    expect(intent?.amount).toBe(order.total.amount);
    expect(order.payment.clientSecret).toBe(intent?.client_secret);

    // Stripe.js confirmed the card in the browser; Stripe now calls the webhook.
    if (!intent) throw new Error('no intent');
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    const body = eventBody('payment_intent.succeeded', {
      ...intent,
      payment_method: 'pm_card_visa',
    });
    const hook = await kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(body.toString()) },
      payload: body,
    });
    expect(hook.statusCode, hook.body).toBe(200);
    const local = await kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/local',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(local.statusCode).toBe(404);

    await eventually(async () => {
      const read = await kit.get(`/orders/${order.id}?token=${order.accessToken}`);
      return (read.json() as PlacedOrder).status === 'paid';
    });
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });

    const refund = await kit.post(`/admin/orders/${order.id}/refund`, { amount: 700 }, kit.admin());
    expect(refund.statusCode, refund.body).toBe(200);
    await eventually(async () => {
      const view = await kit.get(`/admin/orders/${order.id}`, kit.admin());
      return (view.json() as { refunds: { status: string }[] }).refunds[0]?.status === 'succeeded';
    });
    expect(standIn.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);
  });
});
