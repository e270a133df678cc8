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
