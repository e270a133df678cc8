import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { eventually, freePort, type Backend } from '../../../test/harness.js';
import { signPayload, signatureHeader } from '../../gateway/signature.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/kits/notifications.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';
import type { AdminOrder } from '../orders/index.js';
import {
  eventBody,
  sign,
  stripeStandIn,
  webhookSecret as stripeWebhookSecret,
  type StandInIntent,
} from './stripe-stand-in.js';

export const webhookSecret = 'test-webhook-secret-0123456789abcdef';
export const goodCard = {
  cardNumber: '4242 4242 4242 4242',
  expMonth: 12,
  expYear: 2034,
  cvc: '123',
};
export const declinedCard = { ...goodCard, cardNumber: '4000 0000 0000 0002' };
/** Where the store team's alerts go in these tests (LOW_STOCK_ALERT_EMAIL, see storeTeamEmail). */
export const storeTeam = 'store-team@stride.test';

/**
 * What the payment tests share: a store listening on a port (the in-store gateway sends its webhooks
 * there over HTTP), its worker, and a real SMTP server receiving the emails.
 */
export function paymentKit(backend: Backend) {
  const mail = {} as { smtp: TestSmtpServer };
  beforeAll(async () => {
    mail.smtp = await startSmtpServer();
  });
  const kit = checkoutKit(backend, {
    worker: true,
    listen: true,
    env: {
      PAYMENT_WEBHOOK_SECRET: webhookSecret,
      LOW_STOCK_ALERT_EMAIL: storeTeam,
      get SMTP_URL() {
        return mail.smtp.url;
      },
    },
  });
  afterAll(async () => {
    await mail.smtp?.close();
  });
  const db = () => kit.ctx.store.adapters.database.db;

  /** A guest order for `quantity` of a fresh variant with `onHand` units. */
  async function placedOrder(quantity = 1, onHand = 5) {
    const variant = await kit.stockedVariant(onHand);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity }]);
    const placed = await kit.placeOrder(cartId);
    expect(placed.statusCode, placed.body).toBe(201);
    return { order: placed.json() as PlacedOrder, variant };
  }

  const confirm = (clientSecret: string, card: typeof goodCard) =>
    kit.ctx.store.app.inject({
      method: 'POST',
      url: '/gateway/api/confirm',
      payload: { clientSecret, ...card },
    });

  const readOrder = async (order: PlacedOrder) => {
    const response = await kit.get(`/orders/${order.id}?token=${order.accessToken ?? ''}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as PlacedOrder;
  };

  const untilStatus = async (order: PlacedOrder, status: string) => {
    await eventually(async () => (await readOrder(order)).status === status, 15_000);
    return readOrder(order);
  };

  /** A webhook as the gateway sends it, signed with `secret` at `timestamp`. */
  const webhook = (body: unknown, options: { secret?: string; timestamp?: number } = {}) => {
    const raw = JSON.stringify(body);
    return kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/local',
      headers: {
        'content-type': 'application/json',
        [signatureHeader]: signPayload(options.secret ?? webhookSecret, raw, options.timestamp),
      },
      payload: raw,
    });
  };

  async function paymentRow(orderId: string) {
    const [row] = await queryRows<{
      provider_reference: string;
      status: string;
      amount: number;
      amount_refunded: number;
    }>(
      db(),
      sql`SELECT provider_reference, status, amount, amount_refunded FROM payments WHERE order_id = ${orderId}::uuid`,
    );
    if (!row) throw new Error('no payment row');
    return row;
  }

  /** The event the gateway would send for a charge of this order's intent. */
  async function successEvent(order: PlacedOrder, id = `evt_test_${order.id}`) {
    const payment = await paymentRow(order.id);
    return {
      id,
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: payment.provider_reference,
          amount: payment.amount,
          currency: order.currency,
          status: 'succeeded',
          metadata: { orderId: order.id },
          paymentMethod: 'Visa ending in 4242',
          lastPaymentError: null,
        },
      },
    };
  }

  const templatesTo = (email: string) => mail.smtp.to(email).map((m) => m.subject);

  return {
    ...kit,
    mail,
    db,
    placedOrder,
    confirm,
    readOrder,
    untilStatus,
    webhook,
    paymentRow,
    successEvent,
    templatesTo,
  };
}

/**
 * A store taking payments through Stripe (the official SDK against `stripe-stand-in.ts`), its worker,
 * and Stripe's side of things: the stand-in's intents and signed webhooks.
 */
export function stripeStoreKit(backend: Backend = 'embedded') {
  const standIn = stripeStandIn();
  const api = {} as { url: string };
  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => standIn.server.listen(port, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${port}`;
  });
  const kit = checkoutKit(backend, {
    worker: true,
    env: {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_store',
      STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_store',
      LOW_STOCK_ALERT_EMAIL: storeTeam,
      get STRIPE_API_URL() {
        return api.url;
      },
    },
  });
  afterAll(() => new Promise((resolve) => standIn.server.close(resolve)));

  /** A guest order for one unit of a fresh variant, and its intent at the stand-in. */
  async function placedOrder(onHand = 4) {
    const variant = await kit.stockedVariant(onHand);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 1 }]);
    const placed = await kit.placeOrder(cartId);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder;
    const intent = [...standIn.intents.values()].find((i) => i.metadata.orderId === order.id);
    if (!intent) throw new Error('no intent at the stand-in');
    return { order, intent, variant };
  }

  /** Stripe calling the webhook with an event of `type` about `object`, signed. */
  async function hook(type: string, object: Record<string, unknown>, id?: string) {
    const body = eventBody(type, object, id);
    return kit.ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payments/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(body.toString()) },
      payload: body,
    });
  }

  /** The intent paid, as Stripe.js confirming it and Stripe's webhook would leave it. */
  async function pay(intent: StandInIntent) {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    const answer = await hook('payment_intent.succeeded', {
      ...intent,
      payment_method: 'pm_card_visa',
    });
    expect(answer.statusCode, answer.body).toBe(200);
  }

  const readOrder = async (order: PlacedOrder) =>
    (await kit.get(`/orders/${order.id}?token=${order.accessToken ?? ''}`)).json() as PlacedOrder;

  const untilStatus = async (order: PlacedOrder, status: string) => {
    await eventually(async () => (await readOrder(order)).status === status, 15_000);
    return readOrder(order);
  };

  /** The subjects of the emails sent to `to` (the dev mailbox records them). */
  const subjectsTo = async (to: string) =>
    (
      await queryRows<{ subject: string }>(
        kit.ctx.store.adapters.database.db,
        sql`SELECT subject FROM notifications WHERE "to" = ${to} ORDER BY created_at`,
      )
    ).map((row) => row.subject);

  const adminOrder = async (id: string) =>
    (await kit.get(`/admin/orders/${id}`, kit.admin())).json() as AdminOrder;

  return {
    ...kit,
    standIn,
    placedOrder,
    hook,
    pay,
    readOrder,
    untilStatus,
    subjectsTo,
    adminOrder,
  };
}
