import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import { anonymous } from '../../platform/context.js';
import { storeTeam, stripeStoreKit } from './test-kit.js';

/**
 * Stripe's other events, each sent signed to the webhook against the stand-in, each applied once
 * however often Stripe sends it: a payment under way, an intent cancelled, a refund made in Stripe's
 * dashboard, a dispute opened and settled.
 */
describe("Stripe's events beyond paid and declined", () => {
  const kit = stripeStoreKit();

  const historyOf = async (orderId: string) =>
    (await kit.adminOrder(orderId)).history.map((step) => step.reason ?? step.to);

  const paidOrder = async () => {
    const placed = await kit.placedOrder(4);
    await kit.pay(placed.intent);
    await kit.untilStatus(placed.order, 'paid');
    return placed;
  };

  it('payment_intent.processing: the payment shows processing while the order waits for it', async () => {
    const { order, intent } = await kit.placedOrder(4);
    intent.status = 'processing';
    for (let i = 0; i < 2; i++) {
      const answer = await kit.hook(
        'payment_intent.processing',
        { ...intent },
        `evt_proc_${order.id}`,
      );
      expect(answer.statusCode, answer.body).toBe(200);
    }
    await eventually(async () => (await kit.readOrder(order)).payment.status === 'processing');
    const waiting = await kit.readOrder(order);
    expect(waiting.status).toBe('pending_payment');
    // Stripe then settles it.
    await kit.pay(intent);
    const paid = await kit.untilStatus(order, 'paid');
    expect(paid.payment.status).toBe('succeeded');
    expect((await historyOf(order.id)).filter((r) => r.includes('processing'))).toHaveLength(1);
  });

  it('a processing payment that succeeds with the wrong amount is refunded, never kept', async () => {
    const { order, intent } = await kit.placedOrder(4);
    intent.status = 'processing';
    await kit.hook('payment_intent.processing', { ...intent });
    await eventually(async () => (await kit.readOrder(order)).payment.status === 'processing');
    intent.status = 'succeeded';
    intent.amount_received = intent.amount - 1;
    const answer = await kit.hook('payment_intent.succeeded', {
      ...intent,
      amount: intent.amount - 1,
      payment_method: 'pm_card_visa',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    await eventually(async () =>
      (await kit.adminOrder(order.id)).refunds.some((refund) => refund.reason === 'late_payment'),
    );
    expect((await kit.readOrder(order)).status).toBe('pending_payment');
  });

  it('payment_intent.canceled: an order awaiting it is cancelled and its stock released, once', async () => {
    const { order, intent, variant } = await kit.placedOrder(4);
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 4, reserved: 1 });
    intent.status = 'canceled';
    const canceled = { ...intent, cancellation_reason: 'abandoned' };
    const first = await kit.hook('payment_intent.canceled', canceled, `evt_cancel_${order.id}`);
    expect(first.statusCode, first.body).toBe(200);
    const cancelled = await kit.untilStatus(order, 'cancelled');
    expect(cancelled.payment.status).toBe('cancelled');
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 4, reserved: 0 });
    // Redelivered, and sent again under another event id: nothing more happens.
    expect(
      (await kit.hook('payment_intent.canceled', canceled, `evt_cancel_${order.id}`)).json(),
    ).toMatchObject({ duplicate: true });
    await kit.hook('payment_intent.canceled', canceled);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect((await historyOf(order.id)).filter((r) => r === 'payment_cancelled')).toHaveLength(1);
    // The shopper is told why; the store does not ask Stripe to cancel what Stripe cancelled.
    await eventually(async () =>
      (await kit.subjectsTo(order.email)).includes(`Order ${order.number} was cancelled`),
    );
    expect(
      kit.standIn.requests.filter((r) => r.path === `/v1/payment_intents/${intent.id}/cancel`),
    ).toHaveLength(0);
  });

  it('payment_intent.canceled for an order the expiry already cancelled changes nothing', async () => {
    const { order, intent, variant } = await kit.placedOrder(4);
    await kit.ctx.store.adapters.database.db.execute(
      sql`UPDATE orders SET payment_due_at = now() - interval '1 minute' WHERE id = ${order.id}::uuid`,
    );
    await kit.ctx.store.services.orders.expireDue(anonymous);
    expect((await kit.readOrder(order)).status).toBe('cancelled');
    // The store cancels the intent at Stripe; Stripe tells the store it did.
    await eventually(async () => intent.status === 'canceled');
    const before = await historyOf(order.id);
    const outbox = () =>
      kit.count(sql`SELECT count(*)::int AS n FROM outbox WHERE payload->>'orderId' = ${order.id}`);
    const eventsBefore = await outbox();
    const echo = await kit.hook('payment_intent.canceled', { ...intent });
    expect(echo.statusCode, echo.body).toBe(200);
    await eventually(
      async () =>
        (await kit.count(
          sql`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'orders-payment-canceled'
              AND message_id IN (SELECT id FROM outbox WHERE type = 'payment_canceled' AND payload->>'orderId' = ${order.id})`,
        )) === 1,
    );
    expect(await historyOf(order.id)).toEqual(before);
    // Only the canceled event itself was written; no second cancellation, no email.
    expect(await outbox()).toBe(eventsBefore + 1);
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 4, reserved: 0 });
  });

  it("charge.refunded: a refund made in Stripe's dashboard is recorded once, beside the store's own", async () => {
    const { order, intent } = await paidOrder();
    const charge = kit.standIn.refundOutside(intent.id, 500);
    const id = `evt_refunded_${order.id}`;
    expect((await kit.hook('charge.refunded', charge, id)).statusCode).toBe(200);
    await kit.hook('charge.refunded', charge, id);
    // The same state of the charge under another event id, as Stripe may send it.
    await kit.hook('charge.refunded', charge);
    await eventually(async () => (await kit.adminOrder(order.id)).status === 'partially_refunded');
    let view = await kit.adminOrder(order.id);
    expect(view.refunds).toMatchObject([
      { amount: { amount: 500 }, status: 'succeeded', reason: 'provider' },
    ]);
    expect(view.payment.amountRefunded?.amount).toBe(500);
    await eventually(async () =>
      (await kit.subjectsTo(order.email)).includes(`Part of order ${order.number} refunded`),
    );

    // The store refunds 300 itself; Stripe's next charge.refunded says 800 in all.
    const own = await kit.post(`/admin/orders/${order.id}/refund`, { amount: 300 }, kit.admin());
    expect(own.statusCode, own.body).toBe(200);
    await eventually(async () =>
      (await kit.adminOrder(order.id)).refunds.every((r) => r.status === 'succeeded'),
    );
    await kit.hook('charge.refunded', { ...charge, amount_refunded: 800 });
    // Then the rest, in the dashboard again.
    const rest = kit.standIn.refundOutside(intent.id, intent.amount - 800);
    await kit.hook('charge.refunded', rest);
    await eventually(async () => (await kit.adminOrder(order.id)).status === 'refunded');
    view = await kit.adminOrder(order.id);
    expect(view.refunds.map((r) => [r.amount.amount, r.reason])).toEqual([
      [500, 'provider'],
      [300, 'admin'],
      [intent.amount - 800, 'provider'],
    ]);
    expect(view.payment).toMatchObject({
      status: 'refunded',
      amountRefunded: { amount: intent.amount },
    });
  });

  it('charge.dispute.created and .closed: recorded, on the timeline, and the store team is told', async () => {
    const { order, intent } = await paidOrder();
    const dispute = {
      id: `dp_${order.id.slice(0, 8)}`,
      object: 'dispute',
      amount: intent.amount,
      currency: 'usd',
      charge: `ch_${intent.id.slice(3)}`,
      payment_intent: intent.id,
      reason: 'fraudulent',
      status: 'needs_response',
    };
    expect((await kit.hook('charge.dispute.created', dispute)).statusCode).toBe(200);
    await kit.hook('charge.dispute.created', dispute);
    await eventually(async () =>
      (await kit.subjectsTo(storeTeam)).includes(`Payment for order ${order.number} disputed`),
    );
    let view = await kit.adminOrder(order.id);
    expect(view.disputes).toMatchObject([
      { id: dispute.id, reason: 'fraudulent', status: 'open', closedAt: null },
    ]);
    expect(view.status).toBe('paid');

    await kit.hook('charge.dispute.closed', { ...dispute, status: 'won' });
    await eventually(async () =>
      (await kit.subjectsTo(storeTeam)).includes(`Dispute on order ${order.number} won`),
    );
    view = await kit.adminOrder(order.id);
    expect(view.disputes).toMatchObject([{ status: 'won', closedAt: expect.any(String) }]);
    const notes = view.history.map((step) => step.reason ?? '');
    expect(notes.filter((r) => r.startsWith('payment disputed'))).toHaveLength(1);
    expect(notes.filter((r) => r.startsWith('dispute won'))).toHaveLength(1);
    expect((await kit.subjectsTo(storeTeam)).filter((s) => s.includes(order.number))).toHaveLength(
      2,
    );
  });
});
