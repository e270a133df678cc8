import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { createTestStore } from '../../../test/harness.js';
import { checkoutConfigOf, isPaymentTestMode } from './checkout-config.js';

const stripeKeys = (kind: 'test' | 'live') => ({
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: `sk_${kind}_abc`,
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  STRIPE_PUBLISHABLE_KEY: `pk_${kind}_abc`,
});

describe('how the store takes payments, as the storefront reads it', () => {
  it('the local gateway is always test money; Stripe is live unless its keys or the store say test', () => {
    expect(isPaymentTestMode(loadConfig({}))).toBe(true);
    expect(isPaymentTestMode(loadConfig(stripeKeys('test')))).toBe(true);
    expect(isPaymentTestMode(loadConfig(stripeKeys('live')))).toBe(false);
    expect(
      isPaymentTestMode(loadConfig({ ...stripeKeys('test'), PAYMENT_TEST_MODE: 'true' })),
    ).toBe(true);
  });

  it('refuses a test store on live keys, and keys of two modes', () => {
    expect(() => loadConfig({ ...stripeKeys('live'), PAYMENT_TEST_MODE: 'true' })).toThrow(
      /PAYMENT_TEST_MODE: Stripe live keys take real money/,
    );
    expect(() =>
      loadConfig({ ...stripeKeys('live'), STRIPE_PUBLISHABLE_KEY: 'pk_test_abc' }),
    ).toThrow(/one is a live key and the other a test key/);
    expect(() => loadConfig({ ...stripeKeys('test'), STRIPE_SECRET_KEY: 'rk_live_abc' })).toThrow(
      /one is a live key and the other a test key/,
    );
  });

  it('hands out the publishable key only, and only for Stripe', () => {
    expect(checkoutConfigOf(loadConfig(stripeKeys('live')))).toEqual({
      provider: 'stripe',
      stripePublishableKey: 'pk_live_abc',
      testMode: false,
      stripeJsUrl: null,
    });
    expect(checkoutConfigOf(loadConfig({}))).toEqual({
      provider: 'local',
      stripePublishableKey: null,
      testMode: true,
      stripeJsUrl: null,
    });
  });

  it('refuses Stripe without its publishable key, and a key that is not one', () => {
    const { STRIPE_PUBLISHABLE_KEY: _, ...withoutKey } = stripeKeys('live');
    expect(() => loadConfig(withoutKey)).toThrow(/STRIPE_PUBLISHABLE_KEY/);
    expect(() =>
      loadConfig({ ...stripeKeys('live'), STRIPE_PUBLISHABLE_KEY: 'sk_live_x' }),
    ).toThrow(/STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key/);
  });

  it('GET /api/v1/checkout-config answers it publicly, with no secret in it', async () => {
    const store = await createTestStore('embedded', stripeKeys('live'));
    try {
      const response = await store.app.inject('/api/v1/checkout-config');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        provider: 'stripe',
        stripePublishableKey: 'pk_live_abc',
        testMode: false,
        stripeJsUrl: null,
      });
      expect(response.body).not.toMatch(/sk_live|whsec/);
      // Operators see it too: this store takes real money.
      expect((await store.app.inject('/ready')).json()).toMatchObject({
        payments: { provider: 'stripe', mode: 'live' },
      });
    } finally {
      await store.close();
    }
  });
});
