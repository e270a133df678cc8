import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import { unixNow } from '../../gateway/signature.js';
import { declinedCard, goodCard, paymentKit } from './test-kit.js';

/**
 * An order paid end to end: the shopper confirms with the local gateway, the gateway's signed
 * webhook reaches the store over HTTP, the outbox and the bus carry `payment_success` to the orders
 * consumer, and the emails reach a real SMTP server. On the embedded adapters and on the real
 * PostgreSQL, Redis and RabbitMQ.
 */
describeEachBackend('payments (%s)', (backend) => {
  const kit = paymentKit(backend);

  it('an order paid through the local gateway is paid, its stock committed, and two emails arrive', async () => {
    const { order, variant } = await kit.placedOrder(2, 5);
    expect(order.payment.clientSecret).toMatch(/^pi_[0-9a-f]+_secret_/);
    expect(order.payment.provider).toBe('local');
    // The local gateway takes test money only: the order says so, and so do its emails.
    expect(order.testMode).toBe(true);
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 5, reserved: 2 });

    const confirmed = await kit.confirm(order.payment.clientSecret as string, goodCard);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'succeeded' });

    const paid = await kit.untilStatus(order, 'paid');
    expect(paid.payment).toMatchObject({
      status: 'succeeded',
      paymentMethod: 'Visa ending in 4242',
    });
    expect(paid.payment.clientSecret).toBeUndefined();
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });
    await eventually(async () => kit.templatesTo(order.email).length === 2, 15_000);
    expect(kit.templatesTo(order.email).sort()).toEqual(
      [`Order ${order.number} received`, `Receipt for order ${order.number}`].sort(),
    );
    const receipt = kit.mail.smtp.to(order.email).find((m) => m.subject.startsWith('Receipt'));
    expect(receipt?.text).toContain('Visa ending in 4242');
    for (const email of kit.mail.smtp.to(order.email)) {
      expect(email.text).toContain('Test order: no money was taken.');
    }
    // The guest's link opens the order without an account.
    const link = `/orders/${order.id}?token=${encodeURIComponent(order.accessToken ?? '')}`;
    expect(receipt?.text).toContain(link);
    expect((await kit.get(link)).statusCode).toBe(200);
    // The worker counted it: the relay's publishes and the consumer's success.
    const metrics = await kit.ctx.worker?.metricsRegistry.metrics();
    expect(metrics).toMatch(/outbox_published_total [1-9]/);
    expect(metrics).toMatch(/outbox_relay_publish_seconds_count [1-9]/);
    expect(metrics).toMatch(
      /bus_consumer_messages_total\{consumer="orders-payment-success",outcome="success"\} [1-9]/,
    );
    // In one process the API's /metrics shows the worker's too, each metric once.
    const worker = kit.ctx.worker?.metricsRegistry;
    if (worker) kit.ctx.store.app.exposeMetrics(worker);
    const scraped = (await kit.ctx.store.app.inject({ url: '/metrics' })).body;
    expect(scraped).toContain('bus_consumer_handle_seconds_bucket');
    expect(scraped).toContain('outbox_backlog');
    const families = scraped.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(families).size).toBe(families.length);
  });

  it('a declined card leaves the order payable, says why, and a second card pays it', async () => {
    const { order, variant } = await kit.placedOrder(1, 3);
    const secret = order.payment.clientSecret as string;
    const declined = await kit.confirm(secret, declinedCard);
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'declined', declineCode: 'card_declined' });

    await eventually(async () => (await kit.readOrder(order)).payment.status === 'failed', 15_000);
    const payable = await kit.readOrder(order);
    expect(payable.status).toBe('pending_payment');
    expect(payable.payment.clientSecret).toBe(secret);
    expect(payable.payment.failure).toEqual({
      code: 'card_declined',
      message: 'The card was declined.',
    });
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 1 });
    // The email goes through the outbox, the bus and the mailer: on a busy machine that takes a
    // while, so this waits as long as the payment's own status did.
    await eventually(
      async () =>
        kit
          .templatesTo(order.email)
          .includes(`Payment for order ${order.number} did not go through`),
      15_000,
    );

    expect((await kit.confirm(secret, goodCard)).json()).toMatchObject({ status: 'succeeded' });
    const paid = await kit.untilStatus(order, 'paid');
    expect(paid.payment.failure).toBeNull();
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 2, reserved: 0 });
    // A paid intent cannot be charged again.
    const again = await kit.confirm(secret, goodCard);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'intent_already_succeeded' });
  });

  it('a forged, stale or missing signature is refused with 400 and changes nothing', async () => {
    const { order } = await kit.placedOrder();
    const event = await kit.successEvent(order);
    const forged = await kit.webhook(event, { secret: 'not-the-secret-0123456789abcdef' });
    const stale = await kit.webhook(event, { timestamp: unixNow() - 301 });
    const future = await kit.webhook(event, { timestamp: unixNow() + 301 });
    const unsigned = await kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/local',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(event),
    });
    for (const response of [forged, stale, future, unsigned]) {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'invalid_webhook_signature' });
    }
    // A body changed after signing no longer matches its signature.
    const signed = await kit.webhook(event);
    expect(signed.statusCode).toBe(200);
    const events = await queryRows<{ n: number }>(
      kit.db(),
      sql`SELECT count(*)::int AS n FROM payment_events WHERE order_id = ${order.id}::uuid`,
    );
    expect(events[0]?.n).toBe(1);
    const unknownProvider = await kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/paypal',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unknownProvider.statusCode).toBe(404);
  });

  it('an event for an intent the store never made changes no order, whatever its metadata says', async () => {
    const { order, variant } = await kit.placedOrder(1, 4);
    const real = await kit.successEvent(order, `evt_real_${order.id}`);
    // Signed, and naming the order in its metadata, but for another intent.
    const stray = {
      ...real,
      id: `evt_stray_${order.id}`,
      data: { object: { ...real.data.object, id: `pi_unknown_${order.id.slice(0, 8)}` } },
    };
    const answer = await kit.webhook(stray);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ received: true, duplicate: false });
    const [recorded] = await queryRows<{ order_id: string | null }>(
      kit.db(),
      sql`SELECT order_id FROM payment_events WHERE event_id = ${stray.id}`,
    );
    expect(recorded).toEqual({ order_id: null });
    // The store team can see it among the events.
    const listed = await kit.get('/admin/events?type=payment_event_unmatched', kit.admin());
    expect(JSON.stringify(listed.json())).toContain(stray.id);
    const applied = await queryRows<{ n: number }>(
      kit.db(),
      sql`SELECT count(*)::int AS n FROM outbox WHERE type = 'payment_success' AND payload->>'orderId' = ${order.id}`,
    );
    expect(applied[0]?.n).toBe(0);
    expect((await kit.readOrder(order)).status).toBe('pending_payment');

    // The shopper's real payment pays the order once; nothing is refunded.
    expect(
      (await kit.confirm(order.payment.clientSecret as string, goodCard)).json(),
    ).toMatchObject({ status: 'succeeded' });
    const paid = await kit.untilStatus(order, 'paid');
    expect(paid.payment).toMatchObject({ status: 'succeeded', amountRefunded: { amount: 0 } });
    await eventually(async () => kit.templatesTo(order.email).length === 2, 15_000);
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });
    const refunds = await queryRows<{ n: number }>(
      kit.db(),
      sql`SELECT count(*)::int AS n FROM refunds WHERE order_id = ${order.id}::uuid`,
    );
    expect(refunds[0]?.n).toBe(0);
  });

  it('the same webhook ten times, at once, has one effect', async () => {
    const { order, variant } = await kit.placedOrder(1, 4);
    const event = await kit.successEvent(order, `evt_repeat_${order.id}`);
    const answers = await Promise.all(Array.from({ length: 10 }, () => kit.webhook(event)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    expect(
      answers.filter((a) => (a.json() as { duplicate: boolean }).duplicate === false),
    ).toHaveLength(1);

    await kit.untilStatus(order, 'paid');
    await eventually(async () => kit.templatesTo(order.email).length === 2, 15_000);
    // Give a second effect, if there were one, time to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 3, reserved: 0 });
    expect(kit.templatesTo(order.email).filter((s) => s.startsWith('Receipt'))).toHaveLength(1);
    const history = await queryRows<{ n: number }>(
      kit.db(),
      sql`SELECT count(*)::int AS n FROM order_history WHERE order_id = ${order.id}::uuid AND to_status = 'paid'`,
    );
    expect(history[0]?.n).toBe(1);
    const outbox = await queryRows<{ n: number }>(
      kit.db(),
      sql`SELECT count(*)::int AS n FROM outbox WHERE type = 'payment_success' AND payload->>'orderId' = ${order.id}`,
    );
    expect(outbox[0]?.n).toBe(1);
  });
});
