import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { createTestStore, freePort } from '../../../test/harness.js';
import { stripeStandIn } from '../../../test/stripe-stand-in/index.js';
import type { ProviderEvent } from './provider.js';
import { createStripeProvider } from './stripe.js';

const keys = {
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_browser',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_browser',
  STRIPE_WEBHOOK_SECRET: 'whsec_browser',
};

describe('Stripe in the browser: the document policy and the stand-in setting', () => {
  it.each([
    ['a Stripe store lets Stripe.js, its frames and its API into its pages', keys, true],
    ['a store on the local gateway does not', {}, false],
  ] as const)('%s', async (_name, env, stripe) => {
    const store = await createTestStore('embedded', env);
    try {
      const page = await store.app.inject('/health');
      const policy = String(page.headers['content-security-policy']);
      expect(
        policy.includes("script-src 'self' https://js.stripe.com https://*.js.stripe.com"),
      ).toBe(stripe);
      expect(policy.includes('https://hooks.stripe.com')).toBe(stripe);
      expect(policy.includes("connect-src 'self' https://api.stripe.com")).toBe(stripe);
      // JSON is never a page: the API's own policy stays `default-src 'none'` either way.
      const api = await store.app.inject('/api/v1/checkout-config');
      expect(api.headers['content-security-policy']).not.toMatch(/stripe/);
    } finally {
      await store.close();
    }
  });

  it('refuses STRIPE_STAND_IN in production, without Stripe, and with live keys', () => {
    const standIn = { ...keys, STRIPE_STAND_IN: 'true' };
    expect(() =>
      loadConfig({ ...standIn, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }),
    ).toThrow(/STRIPE_STAND_IN: never in production/);
    expect(() => loadConfig({ STRIPE_STAND_IN: 'true' })).toThrow(
      /STRIPE_STAND_IN: only with PAYMENT_PROVIDER=stripe/,
    );
    expect(() =>
      loadConfig({
        ...standIn,
        STRIPE_SECRET_KEY: 'sk_live_x',
        STRIPE_PUBLISHABLE_KEY: 'pk_live_x',
      }),
    ).toThrow(/only with Stripe test keys/);
    const config = loadConfig({ ...standIn, PORT: '4321' });
    expect(config.STRIPE_API_URL).toBe('http://127.0.0.1:4321');
    expect(loadConfig(keys).STRIPE_API_URL).toBeUndefined();
  });
});

/**
 * The stand-in of Stripe's API, driven by the store's own Stripe adapter (the official SDK) on the
 * server side and by plain requests as its Stripe.js makes them on the browser side; its webhooks
 * are checked by the SDK's `constructEvent`, so they are signed as Stripe signs them.
 */
describe('the stand-in of Stripe’s API', () => {
  const app = Fastify();
  const events: ProviderEvent[] = [];
  const base = {} as { url: string };
  const provider = () =>
    createStripeProvider({
      secretKey: keys.STRIPE_SECRET_KEY,
      webhookSecret: keys.STRIPE_WEBHOOK_SECRET,
      apiUrl: base.url,
    });
  beforeAll(async () => {
    const port = await freePort();
    base.url = `http://127.0.0.1:${port}`;
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) =>
      done(null, body),
    );
    app.post('/hook', async (request) => {
      events.push(provider().parseWebhook(request.body as Buffer, request.headers));
      return { received: true };
    });
    await app.register(stripeStandIn, {
      secretKey: keys.STRIPE_SECRET_KEY,
      publishableKey: keys.STRIPE_PUBLISHABLE_KEY,
      webhookSecret: keys.STRIPE_WEBHOOK_SECRET,
      webhookUrl: `${base.url}/hook`,
      settleAfterMs: 50,
    });
    await app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const confirm = async (clientSecret: string, number: string) =>
    fetch(`${base.url}/v1/payment_intents/${clientSecret.split('_secret_')[0]}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        key: keys.STRIPE_PUBLISHABLE_KEY,
        client_secret: clientSecret,
        'payment_method_data[type]': 'card',
        'payment_method_data[card][number]': number,
        'payment_method_data[card][exp_month]': '12',
        'payment_method_data[card][exp_year]': String(new Date().getFullYear() + 1),
        'payment_method_data[card][cvc]': '123',
      }),
    });
  const newIntent = (amount: number, order: number, idempotencyKey: string) =>
    provider().createIntent({
      amount,
      currency: 'USD',
      orderId: `00000000-0000-4000-8000-00000000000${order}`,
      idempotencyKey,
      returnUrl: 'http://127.0.0.1/orders/confirmation',
    });
  const eventFor = async (reference: string, type: string) => {
    for (let i = 0; i < 100; i++) {
      const found = events.find(
        (e) => 'reference' in e && e.reference === reference && e.type === type,
      );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${type} for ${reference}`);
  };

  it('declines with Stripe’s reason, then takes another card on the same intent', async () => {
    const intent = await newIntent(4_599, 1, 'declined-then-paid');
    const declined = await confirm(intent.clientSecret, '4000000000000002');
    expect(declined.status).toBe(402);
    expect(((await declined.json()) as { error: unknown }).error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    });
    expect(await eventFor(intent.reference, 'payment_failed')).toMatchObject({
      failureCode: 'generic_decline',
      failureMessage: 'Your card was declined.',
    });
    const paid = await confirm(intent.clientSecret, '4242424242424242');
    expect(((await paid.json()) as { status: string }).status).toBe('succeeded');
    expect(await eventFor(intent.reference, 'payment_succeeded')).toMatchObject({
      amount: 4_599,
      currency: 'USD',
      orderId: '00000000-0000-4000-8000-000000000001',
    });
    // The same Idempotency-Key answers the same intent, as Stripe does.
    const again = await newIntent(4_599, 1, 'declined-then-paid');
    expect(again.reference).toBe(intent.reference);
  });

  it('asks for 3-D Secure, and pays once the shopper completes it', async () => {
    const intent = await newIntent(1_000, 2, 'three-d-secure');
    const asked = await confirm(intent.clientSecret, '4000002500003155');
    expect(await asked.json()).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'use_stripe_sdk' },
    });
    const done = await fetch(`${base.url}/stripe-stand-in/3ds/${intent.reference}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: intent.clientSecret, outcome: 'complete' }),
    });
    expect(((await done.json()) as { status: string }).status).toBe('succeeded');
    await eventFor(intent.reference, 'payment_succeeded');
  });

  it('refuses the wrong keys and a client secret that is not the intent’s', async () => {
    const wrong = createStripeProvider({
      secretKey: 'sk_test_someone_else',
      webhookSecret: keys.STRIPE_WEBHOOK_SECRET,
      apiUrl: base.url,
    });
    await expect(
      wrong.createIntent({
        amount: 1_000,
        currency: 'USD',
        orderId: 'x',
        idempotencyKey: 'k',
        returnUrl: 'http://127.0.0.1/',
      }),
    ).rejects.toThrow(/Invalid API Key/);
    const intent = await newIntent(1_000, 3, 'other-secret');
    expect((await confirm(`${intent.reference}_secret_guessed`, '4242424242424242')).status).toBe(
      404,
    );
  });
});
