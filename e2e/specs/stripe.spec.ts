import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { storeAndBrowser, stripeStandInEnv } from '../store.js';
import { bagListingProduct, seriousViolations, submitCheckout, waitForStatus } from '../shop.js';

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
      // Failed requests are judged below, by their address.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(message.text());
    });
    page.on('response', (response) => {
      // Stripe answers a decline 402 and a confirmation it cannot make (a cancelled intent) 400.
      const refused = /\/v1\/payment_intents\/[^/]+\/confirm$/.test(response.url());
      if (response.status() >= 400 && !(refused && [400, 402].includes(response.status())))
        problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(running.store.url)) problems.push(`left: ${request.url()}`);
    });
    return { context, page };
  }

  const fillBag = (page: Page, nth: number) => bagListingProduct(page, running.store.url, nth);

  /** From a filled bag through the checkout form to the order's card step. */
  async function toCardStep(page: Page, email: string) {
    await submitCheckout(page, running.store.url, email);
    await page.waitForURL(/\/orders\/[^/]+\/pay$/);
    await page.getByLabel('Card number').waitFor();
  }

  async function payWithCard(page: Page, number: string) {
    await page.getByLabel('Card number').fill(number);
    await page.getByLabel('Expiration date').fill(`12 / ${(new Date().getFullYear() + 2) % 100}`);
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: /^Pay \$/ }).click();
  }

  /** The stand-in wallet: its button, then Pay in its sheet. */
  async function payWithWallet(page: Page) {
    await page.getByRole('button', { name: 'Pay with Link' }).click();
    await page.getByRole('dialog', { name: 'Link' }).getByRole('button', { name: 'Pay' }).click();
  }

  /** On the confirmation page, paid once the webhook has landed; nothing went wrong on the way. */
  async function endsPaid(page: Page, context: BrowserContext) {
    await page.waitForURL(/\/orders\/[^/]+\/confirmation\?/);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  }

  /** The order on screen and the guest's token for it, as the tab keeps it. */
  async function shownOrder(page: Page) {
    const id = new URL(page.url()).pathname.split('/')[2]!;
    const token = await page.evaluate((key) => sessionStorage.getItem(`stride.order.${key}`), id);
    return { id, url: `${running.store.url}/api/v1/orders/${id}?token=${token}`, token };
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
    await endsPaid(page, context);
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
    await endsPaid(page, context);
  });

  it('says a payment is processing, and the order turns paid when it settles', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 3);
    await toCardStep(page, 'processing@example.com');
    await payWithCard(page, '4000000000009003');
    await page.waitForURL(/redirect_status=processing/);
    await page.getByRole('heading', { name: 'Your payment is processing' }).waitFor();
    expect(await page.getByRole('link', { name: /^Pay \$/ }).count()).toBe(0);
    await endsPaid(page, context);
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

  it('charges nothing from the bag when tax changes the total, and the card step takes the exact total', async () => {
    const { context, page } = await visitor();
    // California adds sales tax: the bag's estimate is not what the order comes to.
    await context.addInitScript(() =>
      localStorage.setItem(
        'stripe-stand-in:wallet-address',
        JSON.stringify({
          line1: '9 Sunset Blvd',
          city: 'Los Angeles',
          state: 'CA',
          postal_code: '90012',
        }),
      ),
    );
    await fillBag(page, 7);
    await page.goto(`${running.store.url}/bag`);
    await payWithWallet(page);
    await page.waitForURL(/\/orders\/[^/]+\/pay$/);
    const notice = await page
      .getByText(/With tax for your address, your order comes to/)
      .textContent();
    const order = (await (await fetch((await shownOrder(page)).url)).json()) as {
      status: string;
      tax: { amount: number };
      total: { amount: number };
    };
    expect(order.status).toBe('pending_payment');
    expect(order.tax.amount).toBeGreaterThan(0);
    expect(notice).toContain((order.total.amount / 100).toFixed(2));
    await payWithWallet(page);
    await endsPaid(page, context);
  });

  it('says so when the order was cancelled meanwhile, and puts its items back in the bag', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 9);
    await toCardStep(page, 'late@example.com');
    const order = await shownOrder(page);
    const { payment } = (await (await fetch(order.url)).json()) as {
      payment: { clientSecret: string };
    };
    const cancelled = await fetch(
      `${running.store.url}/api/v1/orders/${order.id}/cancel?token=${order.token}`,
      { method: 'POST' },
    );
    expect(cancelled.status).toBe(200);
    // The store cancels the PaymentIntent at Stripe a moment later.
    const intent = `${running.store.url}/v1/payment_intents/${payment.clientSecret.split('_secret_')[0]}?key=${stripeStandInEnv.STRIPE_PUBLISHABLE_KEY}&client_secret=${payment.clientSecret}`;
    await expect
      .poll(async () => ((await (await fetch(intent)).json()) as { status: string }).status)
      .toBe('canceled');
    await payWithCard(page, '4242424242424242');
    await page.getByText('This order was cancelled before it was paid.').waitFor();
    await page.getByRole('button', { name: 'Put these items back in your bag' }).click();
    await page.waitForURL(/\/bag$/);
    await page.getByTestId('bag-line').waitFor();
    await context.close();
    expect(problems).toEqual([]);
  });

  it('pays an order at the card step with a wallet', async () => {
    const { context, page } = await visitor();
    await fillBag(page, 6);
    await toCardStep(page, 'wallet@example.com');
    await payWithWallet(page);
    await endsPaid(page, context);
  });
});
