import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../test/harness.js';
import { describeProviderContract } from './provider.contract.js';
import type { PaymentProvider } from './provider.js';
import { createStripeProvider } from './stripe.js';
import { eventBody, sign, stripeStandIn, webhookSecret } from './stripe-stand-in.js';

/**
 * The Stripe adapter, offline: the official SDK against a stand-in of the API calls it makes
 * (`stripe-stand-in.ts`), webhooks signed with the SDK's test helper.
 */
const standIn = stripeStandIn();
let provider: PaymentProvider;

beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((resolve) => standIn.server.listen(port, '127.0.0.1', resolve));
  provider = createStripeProvider({
    secretKey: 'sk_test_standin',
    webhookSecret,
    apiUrl: `http://127.0.0.1:${port}`,
  });
});
afterAll(() => new Promise((resolve) => standIn.server.close(resolve)));

describeProviderContract('Stripe (SDK against a stand-in)', {
  provider: () => provider,
  succeeded: ({ reference, orderId, amount, currency }) => {
    const body = eventBody('payment_intent.succeeded', {
      id: reference,
      object: 'payment_intent',
      amount,
      amount_received: amount,
      currency: currency.toLowerCase(),
      metadata: { orderId },
      payment_method: 'pm_card_visa',
      status: 'succeeded',
    });
    return { body, headers: { 'stripe-signature': sign(body.toString('utf8')) } };
  },
  signedAt: (body, secondsAgo) => ({
    'stripe-signature': sign(body.toString('utf8'), Math.floor(Date.now() / 1000) - secondsAgo),
  }),
  pay: async (reference) => {
    const intent = standIn.intents.get(reference);
    if (!intent) throw new Error('no such intent');
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
  },
});

it('sends amounts in minor units, currencies as Stripe spells them, and the secret key', async () => {
  const created = await provider.createIntent({
    orderId: 'order-1',
    amount: 12_345,
    currency: 'USD',
    idempotencyKey: 'stripe-units',
    returnUrl: 'http://shop.test',
  });
  expect(standIn.intents.get(created.reference)).toMatchObject({
    amount: 12_345,
    currency: 'usd',
    metadata: { orderId: 'order-1' },
  });
  expect(standIn.requests.at(-1)?.authorization).toBe('Bearer sk_test_standin');
});

it("reads a decline with Stripe's decline code and message", () => {
  const body = eventBody('payment_intent.payment_failed', {
    id: 'pi_declined',
    object: 'payment_intent',
    amount: 5_000,
    currency: 'usd',
    metadata: { orderId: 'order-2' },
    last_payment_error: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  });
  expect(
    provider.parseWebhook(body, { 'stripe-signature': sign(body.toString('utf8')) }),
  ).toMatchObject({
    type: 'payment_failed',
    reference: 'pi_declined',
    orderId: 'order-2',
    amount: 5_000,
    currency: 'USD',
    failureCode: 'insufficient_funds',
    failureMessage: 'Your card has insufficient funds.',
  });
  const other = eventBody('charge.updated', { id: 'ch_1', object: 'charge' });
  expect(
    provider.parseWebhook(other, { 'stripe-signature': sign(other.toString('utf8')) }),
  ).toMatchObject({
    type: 'other',
    providerType: 'charge.updated',
  });
});

it("reads Stripe's other events the store acts on, each about the store's PaymentIntent", () => {
  const parse = (type: string, object: Record<string, unknown>) => {
    const body = eventBody(type, object);
    return provider.parseWebhook(body, { 'stripe-signature': sign(body.toString('utf8')) });
  };
  const intent = {
    id: 'pi_1',
    object: 'payment_intent',
    amount: 5_000,
    currency: 'usd',
    metadata: {},
  };
  expect(parse('payment_intent.processing', intent)).toMatchObject({
    type: 'payment_processing',
    reference: 'pi_1',
    amount: 5_000,
    currency: 'USD',
  });
  expect(
    parse('payment_intent.canceled', { ...intent, cancellation_reason: 'abandoned' }),
  ).toMatchObject({ type: 'payment_canceled', reference: 'pi_1', cancellationReason: 'abandoned' });
  const charge = { id: 'ch_1', object: 'charge', amount: 5_000, currency: 'usd' };
  expect(
    parse('charge.refunded', { ...charge, amount_refunded: 1_200, payment_intent: 'pi_1' }),
  ).toMatchObject({ type: 'payment_refunded', reference: 'pi_1', amountRefunded: 1_200 });
  // A charge of no PaymentIntent the store could have made: recorded only.
  expect(
    parse('charge.refunded', { ...charge, amount_refunded: 1, payment_intent: null }),
  ).toMatchObject({ type: 'other', providerType: 'charge.refunded' });
  const dispute = {
    id: 'dp_1',
    object: 'dispute',
    amount: 5_000,
    currency: 'usd',
    payment_intent: 'pi_1',
    reason: 'fraudulent',
  };
  const statuses = [
    ['needs_response', 'open'],
    ['warning_needs_response', 'open'],
    ['under_review', 'open'],
    ['won', 'won'],
    ['lost', 'lost'],
    ['warning_closed', 'closed'],
  ];
  for (const [stripe, store] of statuses) {
    expect(parse('charge.dispute.updated', { ...dispute, status: stripe })).toMatchObject({
      type: 'payment_disputed',
      reference: 'pi_1',
      disputeId: 'dp_1',
      reason: 'fraudulent',
      status: store,
    });
  }
});
