import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { storeAndBrowser, stripeStandInEnv } from '../store.js';
import {
  addToBag,
  cards,
  fillAddress,
  pickAvailableVariant,
  seriousViolations,
  waitForStatus,
} from '../shop.js';

/**
 * Paying by Stripe in Debian's Chromium: the store on PAYMENT_PROVIDER=stripe, serving its stand-ins
 * of Stripe.js and Stripe's API (which know Stripe's test cards and send signed webhooks back to
 * the store), so the card step, 3-D Secure, declines, wallets and the webhooks all run for real
 * without the internet.
 */
describe('paying by Stripe in Chromium', () => {
  const running = storeAndBrowser(() => stripeStandInEnv);
  const problems: string[] = [];

  /** A fresh visitor whose console errors and requests off this machine fail the test. */
  async function visitor(options: { wallets?: 'none' } = {}) {
    const context: BrowserContext = await running.browser.newContext({
      viewport: { width: 1366, height: 900 },
    });
    if (options.wallets)
      await context.addInitScript(() => localStorage.setItem('stripe-stand-in:wallets', 'none'));
    const page = await context.newPage();
    page.on('console', (message) => {
      // A decline is answered 402, as Stripe does; Chromium logs it.
      if (message.type() === 'error' && !message.text().includes('402'))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(running.store.url)) problems.push(`left: ${request.url()}`);
    });
    return { context, page };
  }

  async function fillBag(page: Page, nth: number) {
    await page.goto(`${running.store.url}/shop`);
    await cards(page).nth(nth).locator('a').click();
    await page.waitForURL(/\/products\//);
    await pickAvailableVariant(page);
    await addToBag(page);
  }

  /** From a filled bag through the checkout form to the order's card step. */
  async function toCardStep(page: Page, email: string) {
    await page.goto(`${running.store.url}/checkout`);
    await page.getByLabel('Email').fill(email);
    await fillAddress(page);
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/orders\/[^/]+\/pay$/);
    await page.getByLabel('Card number').waitFor();
  }

  async function payWithCard(page: Page, number: string) {
    await page.getByLabel('Card number').fill(number);
    await page.getByLabel('Expiration date').fill(`12 / ${(new Date().getFullYear() + 2) % 100}`);
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: /^Pay \$/ }).click();
  }

  it('serves Stripe.js from the stand-in, and the document policy lets Stripe.js in only on a Stripe store', async () => {
    const config = (await (
      await fetch(`${running.store.url}/api/v1/checkout-config`)
    ).json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      provider: 'stripe',
      stripePublishableKey: 'pk_test_stand_in_store',
      stripeJsUrl: '/stripe-stand-in/stripe.js',
    });
    const page = await fetch(`${running.store.url}/bag`);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/script-src 'self' https:\/\/js\.stripe\.com/);
    expect(policy).toMatch(
      /frame-src 'self' https:\/\/js\.stripe\.com .*https:\/\/hooks\.stripe\.com/,
    );
    expect(policy).toMatch(/connect-src 'self' https:\/\/api\.stripe\.com/);
    const script = await fetch(`${running.store.url}${String(config.stripeJsUrl)}`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('window.Stripe = Stripe');
  });

  it('challenges a 3-D Secure card in the page and ends paid on the confirmation page', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 0);
    await toCardStep(page, 'secure@example.com');
    expect(await seriousViolations(page)).toEqual([]);
    await payWithCard(page, '4000002500003155');
    const challenge = page.getByRole('dialog', { name: '3D Secure authentication' });
    await challenge.waitFor();
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(/\/confirmation\?payment_intent=pi_[^&]+&redirect_status=succeeded/);
    await waitForStatus(page, 'Paid');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Thank you for your order',
    );
    await context.close();
    expect(problems).toEqual([]);
  });

  it("follows a bank's 3-D Secure page by redirect and back to the confirmation page; a failed one can be paid again", async () => {
    const { context, page } = await visitor();
    await fillBag(page, 1);
    await toCardStep(page, 'redirect@example.com');
    const payStep = page.url();
    await payWithCard(page, '4000000000003220');
    await page.waitForURL(/\/stripe-stand-in\/3ds\//);
    await page.getByRole('button', { name: 'Fail authentication' }).click();
    await page.waitForURL(/\/confirmation\?.*redirect_status=failed/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your payment did not go through',
    );
    await page.getByRole('link', { name: /^Pay \$/ }).click();
    await page.waitForURL(payStep);
    // The store heard of the failure from Stripe's webhook and says why.
    await page.getByText(/unable to authenticate your payment method/).waitFor();
    await payWithCard(page, '4000000000003220');
    await page.waitForURL(/\/stripe-stand-in\/3ds\//);
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(/\/confirmation\?.*redirect_status=succeeded/);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('shows why a card was declined, and the next card in the same form pays', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 2);
    await toCardStep(page, 'declined@example.com');
    await payWithCard(page, '4000000000000002');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Your card was declined.');
    await payWithCard(page, '4000000000009995');
    await page.getByRole('alert').filter({ hasText: 'insufficient funds' }).waitFor();
    await payWithCard(page, '4242424242424242');
    await page.waitForURL(/\/confirmation\?/);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('says a payment is processing, and the order turns paid when it settles', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 3);
    await toCardStep(page, 'processing@example.com');
    await payWithCard(page, '4000000000009003');
    await page.waitForURL(/redirect_status=processing/);
    await page.getByRole('heading', { name: 'Your payment is processing' }).waitFor();
    expect(await page.getByRole('link', { name: /^Pay \$/ }).count()).toBe(0);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('pays from the bag with a wallet the browser offers, and hides the wallets where none is', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 4);
    await page.goto(`${running.store.url}/bag`);
    const wallet = page.getByRole('button', { name: 'Pay with Link' });
    await wallet.waitFor();
    await wallet.click();
    const sheet = page.getByRole('dialog', { name: 'Link' });
    await sheet.waitFor();
    await sheet.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/orders\/[^/]+\/confirmation\?/);
    await waitForStatus(page, 'Paid');
    // The order carries the wallet's address, priced by the store.
    expect(await page.textContent('main')).toContain('1 Track Lane');
    await context.close();

    const bare = await visitor({ wallets: 'none' });
    await fillBag(bare.page, 5);
    await bare.page.goto(`${running.store.url}/bag`);
    await bare.page.getByRole('link', { name: 'Check out' }).waitFor();
    await expect.poll(() => bare.page.getByTestId('bag-wallets').isHidden()).toBe(true);
    await bare.context.close();
    expect(problems).toEqual([]);
  });

  it('pays an order at the card step with a wallet', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 6);
    await toCardStep(page, 'wallet@example.com');
    await page.getByRole('button', { name: 'Pay with Link' }).click();
    await page.getByRole('dialog', { name: 'Link' }).getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/confirmation\?/);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  });
});
