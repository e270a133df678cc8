import { describe, expect, it } from 'vitest';
import { InvalidWebhook, ProviderRefused, type PaymentProvider } from './provider.js';

/** What a provider's contract test needs besides the provider: ways to act as the provider would. */
export interface ProviderHarness {
  provider: () => PaymentProvider;
  /** The raw body and headers of the provider's "payment succeeded" webhook for an intent. */
  succeeded(input: { reference: string; orderId: string; amount: number; currency: string }): {
    body: Buffer;
    headers: Record<string, string>;
  };
  /** The same, signed `secondsAgo` in the past. */
  signedAt(body: Buffer, secondsAgo: number): Record<string, string>;
  /** Make an intent paid on the provider's side, so it can be refunded. */
  pay(reference: string, clientSecret: string): Promise<void>;
}

/**
 * The payment-provider port's contract: every adapter (the local gateway in the store, the local
 * gateway over HTTP, Stripe) must pass it.
 */
export function describeProviderContract(name: string, harness: ProviderHarness) {
  describe(`payment provider contract: ${name}`, () => {
    const orderId = '0190a0a0-0000-7000-8000-00000000abcd';
    const intent = (key: string, amount = 2_500) =>
      harness.provider().createIntent({
        orderId,
        amount,
        currency: 'USD',
        idempotencyKey: key,
        returnUrl: 'http://shop.test/orders/x/confirmation',
      });

    it('creates an intent once per idempotency key, with a client secret for the browser', async () => {
      const key = `contract-${Math.random().toString(36).slice(2)}`;
      const first = await intent(key);
      const second = await intent(key);
      expect(first.reference).toMatch(/^pi_/);
      expect(first.clientSecret).toContain('_secret_');
      expect(second).toEqual(first);
      expect((await intent(`${key}-other`)).reference).not.toBe(first.reference);
    });

    it('reads its own signed success webhook and refuses a changed body or an old signature', async () => {
      const { reference } = await intent(`contract-hook-${Math.random()}`);
      const { body, headers } = harness.succeeded({
        reference,
        orderId,
        amount: 2_500,
        currency: 'USD',
      });
      const event = harness.provider().parseWebhook(body, headers);
      expect(event).toMatchObject({
        type: 'payment_succeeded',
        reference,
        orderId,
        amount: 2_500,
        currency: 'USD',
      });
      const changed = Buffer.from(body.toString('utf8').replace('2500', '1'));
      expect(() => harness.provider().parseWebhook(changed, headers)).toThrow(InvalidWebhook);
      expect(() => harness.provider().parseWebhook(body, harness.signedAt(body, 600))).toThrow(
        InvalidWebhook,
      );
      expect(() => harness.provider().parseWebhook(body, {})).toThrow(InvalidWebhook);
    });

    it('refunds a paid intent in parts, once per idempotency key', async () => {
      const created = await intent(`contract-refund-${Math.random()}`);
      await harness.pay(created.reference, created.clientSecret);
      const key = `refund-${Math.random()}`;
      const part = {
        reference: created.reference,
        amount: 1_000,
        currency: 'USD',
        idempotencyKey: key,
      };
      const first = await harness.provider().refund(part);
      expect(await harness.provider().refund(part)).toEqual(first);
      const rest = await harness
        .provider()
        .refund({ ...part, amount: 1_500, idempotencyKey: `${key}-rest` });
      expect(rest.reference).not.toBe(first.reference);
      // Nothing is left: the provider says no for good, which is not an outage to retry.
      await expect(
        harness.provider().refund({ ...part, amount: 100, idempotencyKey: `${key}-more` }),
      ).rejects.toBeInstanceOf(ProviderRefused);
    });
  });
}
