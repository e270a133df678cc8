import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/harness.js';

/**
 * The storefront sends shoppers to this origin's /gateway/pay/…. With the gateway in its own process
 * the store passes them on to the gateway's own page, at its public address.
 */
describe('the card page when the gateway runs on its own', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('embedded', {
      PAYMENT_GATEWAY_URL: 'http://10.0.0.7:4010/gateway',
      PAYMENT_GATEWAY_PUBLIC_URL: 'https://pay.example.com/gateway/',
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('redirects /gateway/pay/:clientSecret to the gateway’s public page, the secret encoded', async () => {
    const response = await store.app.inject('/gateway/pay/pi_123_secret_a%2Fb');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      'https://pay.example.com/gateway/pay/pi_123_secret_a%2Fb',
    );
  });

  it('serves nothing else of the gateway here, and keeps the route out of the API document', async () => {
    expect((await store.app.inject('/gateway/api/confirm')).statusCode).toBe(404);
    const document = (await store.app.inject('/openapi.json')).json() as { paths: object };
    expect(Object.keys(document.paths).some((path) => path.startsWith('/gateway'))).toBe(false);
  });

  it('falls back to PAYMENT_GATEWAY_URL when no public address is set', async () => {
    const other = await createTestStore('embedded', {
      PAYMENT_GATEWAY_URL: 'http://gateway.internal:4010/gateway',
    });
    try {
      const response = await other.app.inject('/gateway/pay/pi_9_secret_z');
      expect(response.headers.location).toBe(
        'http://gateway.internal:4010/gateway/pay/pi_9_secret_z',
      );
    } finally {
      await other.close();
    }
  });
});
