import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/test/process.js';
import { jsonCall, seriousViolations, signIn as signInAt, waitForStatus } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/**
 * The store team at work in Chromium: fulfilling a paid order (and the customer seeing it shipped),
 * refunding part of one, and replaying an email the mail server refused while it was down.
 */
describe('the admin in Chromium', () => {
  let smtpPort: number;
  const received: string[] = [];
  let smtp: SMTPServer | undefined;

  // The mail server is down from the start: every email fails twice and is dead-lettered.
  beforeAll(async () => {
    smtpPort = await freePort();
  });
  const running = storeAndBrowser(() => ({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    EMAIL_RETRIES: '2',
    EMAIL_RETRY_DELAY_MS: '100',
  }));
  afterAll(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const api = <T>(path: string, init?: Parameters<typeof jsonCall>[2]) =>
    jsonCall<T>(running.store.url, path, init);
  const signIn = (page: Page, email: string, password: string, next: string) =>
    signInAt(page, running.store.url, email, password, next);

  /** A customer's paid order, placed and paid through the API and the gateway as the pages do. */
  async function paidOrder(token: string): Promise<{ id: string; number: string }> {
    const listing = await api<{ items: { slug: string }[] }>('/api/v1/products?inStock=1&limit=3');
    const product = await api<{ variants: { id: string; available: number }[] }>(
      `/api/v1/products/${listing.items[2]!.slug}`,
    );
    const cart = await api<{ id: string }>('/api/v1/carts', { method: 'POST', token });
    await api(`/api/v1/carts/${cart.id}/items`, {
      method: 'POST',
      token,
      body: { variantId: product.variants.find((v) => v.available > 0)!.id, quantity: 2 },
    });
    const order = await api<{ id: string; number: string; payment: { clientSecret: string } }>(
      '/api/v1/orders',
      {
        method: 'POST',
        token,
        body: {
          cartId: cart.id,
          email: 'fran@example.com',
          shippingAddress: {
            firstName: 'Fran',
            lastName: 'Miles',
            line1: '9 Relay Road',
            city: 'Denver',
            region: 'CO',
            postalCode: '80202',
            country: 'US',
          },
          shippingMethodId: 'standard',
        },
      },
    );
    await api('/gateway/api/confirm', {
      method: 'POST',
      body: {
        clientSecret: order.payment.clientSecret,
        cardNumber: '4242424242424242',
        expMonth: 12,
        expYear: new Date().getFullYear() + 1,
        cvc: '123',
      },
    });
    await expect
      .poll(
        async () => (await api<{ status: string }>(`/api/v1/orders/${order.id}`, { token })).status,
        {
          timeout: 15_000,
        },
      )
      .toBe('paid');
    return order;
  }

  it('fulfils a paid order with a tracking number, refunds part of it, and the customer sees it shipped', async () => {
    const password = 'miles and miles 2026';
    const customer = await api<{ accessToken: string }>('/api/v1/auth/register', {
      method: 'POST',
      body: { email: 'fran@example.com', password, firstName: 'Fran', lastName: 'Miles' },
    });
    const order = await paidOrder(customer.accessToken);

    const admin = await running.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await signIn(page, 'admin@stride.local', 'stride-admin-2026', '/admin/orders');
    // Every page of the admin, accessible (no serious or critical axe violation).
    for (const [path, ready] of [
      ['/admin', 'Revenue per day'],
      ['/admin/customers', 'Customers'],
      ['/admin/notifications', 'Emails'],
      ['/admin/categories', 'Categories'],
      ['/admin/discounts', 'Discounts'],
      ['/admin/products', 'Products'],
      ['/admin/orders', 'Orders'],
    ] as const) {
      await page
        .getByRole('link', { name: ready === 'Revenue per day' ? 'Dashboard' : ready, exact: true })
        .click();
      await page.waitForURL((url) => url.pathname === path);
      await page.getByRole('heading', { name: ready }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.getByLabel('Order number').fill(order.number);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/number=/);
    await page.getByRole('link', { name: order.number }).click();
    await page.getByTestId('admin-order-status').filter({ hasText: 'Paid' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // A form that checks before it sends.
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByText('Enter the carrier and the tracking number.').waitFor();
    await page.getByLabel('Carrier').fill('UPS');
    await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByTestId('admin-order-status').filter({ hasText: 'Shipped' }).waitFor();

    await page.getByLabel('Amount to refund ($)').fill('5.00');
    await page.getByRole('button', { name: 'Refund amount' }).click();
    await page
      .getByTestId('admin-order-status')
      .filter({ hasText: 'Partly refunded' })
      .waitFor({ timeout: 15_000 });
    await page.getByText(/Refund \$5\.00 · succeeded/).waitFor({ timeout: 15_000 });

    const shopper = await running.browser.newContext();
    const mine = await shopper.newPage();
    await signIn(mine, 'fran@example.com', password, '/account');
    await mine.getByRole('link', { name: new RegExp(order.number) }).click();
    await mine.getByText('1Z999AA10123456784').waitFor();
    await waitForStatus(mine, 'Partly refunded');
    expect(await mine.textContent('main')).toContain('Shipped with UPS');
    await shopper.close();
    await admin.close();
  });

  it('replays an email that was dead-lettered while the mail server was down', async () => {
    const admin = await running.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await signIn(page, 'admin@stride.local', 'stride-admin-2026', '/admin/events');
    const letters = page.getByTestId('dead-letter');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return letters.count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    // The one to replay, by its event and consumer: other letters may still arrive meanwhile.
    const first = letters.first();
    const replayed = page.locator(
      `[data-testid="dead-letter"][data-event-id="${await first.getAttribute('data-event-id')}"]` +
        `[data-consumer="${await first.getAttribute('data-consumer')}"]`,
    );
    expect(await replayed.count()).toBe(1);

    // The mail server is back.
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp!.listen(smtpPort, '127.0.0.1', () => resolve()));
    expect((smtp.server.address() as AddressInfo).port).toBe(smtpPort);

    await replayed.getByRole('button', { name: /^Replay/ }).click();
    await page.getByText('Sent again.').waitFor();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => replayed.count()).toBe(0);
    await admin.close();
  });
});
