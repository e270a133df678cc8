import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/test/process.js';
import { seriousViolations, waitForStatus } from '../shop.js';
import { launchBrowser, startStore } from '../store.js';

/** A 1×1 PNG, enough for the API to recognise the bytes. */
const tinyPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The store team at work in Chromium: fulfilling a paid order (and the customer seeing it shipped),
 * refunding part of one, and replaying an email the mail server refused while it was down.
 */
describe('the admin in Chromium', () => {
  let store: Awaited<ReturnType<typeof startStore>>;
  let browser: Browser;
  let smtpPort: number;
  const received: string[] = [];
  let smtp: SMTPServer | undefined;

  beforeAll(async () => {
    // The mail server is down from the start: every email fails twice and is dead-lettered.
    smtpPort = await freePort();
    store = await startStore({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      EMAIL_RETRIES: '2',
      EMAIL_RETRY_DELAY_MS: '100',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  async function api<T>(
    path: string,
    init: { method?: string; token?: string; body?: unknown } = {},
  ): Promise<T> {
    const response = await fetch(`${store.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(path.endsWith('/orders') && init.method === 'POST'
          ? { 'idempotency-key': crypto.randomUUID() }
          : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    expect(
      response.ok,
      `${path} answered ${response.status}: ${await response.clone().text()}`,
    ).toBe(true);
    return (await response.json()) as T;
  }

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

  async function signIn(page: Page, email: string, password: string, next: string) {
    await page.goto(`${store.url}/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((url) => url.pathname === next);
  }

  it('fulfils a paid order with a tracking number, refunds part of it, and the customer sees it shipped', async () => {
    const password = 'miles and miles 2026';
    const customer = await api<{ accessToken: string }>('/api/v1/auth/register', {
      method: 'POST',
      body: { email: 'fran@example.com', password, firstName: 'Fran', lastName: 'Miles' },
    });
    const order = await paidOrder(customer.accessToken);

    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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

    const shopper = await browser.newContext();
    const mine = await shopper.newPage();
    await signIn(mine, 'fran@example.com', password, '/account');
    await mine.getByRole('link', { name: new RegExp(order.number) }).click();
    await mine.getByText('1Z999AA10123456784').waitFor();
    await waitForStatus(mine, 'Partly refunded');
    expect(await mine.textContent('main')).toContain('Shipped with UPS');
    await shopper.close();
    await admin.close();
  });

  it('creates a product with two colours and three sizes, uploads an image, sets stock, and the store lists it with the right facets', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await signIn(page, 'admin@stride.local', 'stride-admin-2026', '/admin/products');
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    // Checked before sending.
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByText('Choose a category.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Name', { exact: true }).fill('Tempo Ridge Shell');
    await page.getByLabel('Gender', { exact: true }).selectOption('women');
    const category = page.getByLabel('Category', { exact: true });
    await category.selectOption({ index: 1 });
    await page.getByLabel('Price ($)', { exact: true }).fill('88.00');
    await page.getByLabel('Colours', { exact: true }).fill('Black, Volt Green');
    await page.getByLabel('Sizes', { exact: true }).fill('S, M, L');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.waitForURL(/\/admin\/products\/[0-9a-f-]{36}$/);
    await page.getByTestId('product-status').filter({ hasText: 'Active' }).waitFor();
    expect(await page.locator('.table tbody tr').count()).toBe(6);
    expect(await seriousViolations(page)).toEqual([]);

    // Seven units of Volt Green in M; nothing else in stock.
    const row = page
      .locator('tbody tr')
      .filter({ has: page.locator('td:nth-child(2)', { hasText: /^Volt Green$/ }) })
      .filter({ has: page.locator('td:nth-child(3)', { hasText: /^M$/ }) });
    const sku = await row.locator('td').first().textContent();
    await page.getByLabel(`Units on hand of ${sku}`).fill('7');
    await page.getByRole('button', { name: `Set stock of ${sku}` }).click();
    await page
      .locator('tr', { hasText: sku! })
      .locator('td.num')
      .last()
      .filter({ hasText: '7' })
      .waitFor();

    // A photo of the Volt Green one (a real PNG, judged from its bytes by the API).
    await page.getByLabel('Image (PNG, JPEG, WebP or AVIF)').setInputFiles({
      name: 'shell.png',
      mimeType: 'image/png',
      buffer: Buffer.from(tinyPng, 'base64'),
    });
    await page.locator('#image-color').selectOption('Volt Green');
    await page.getByLabel('Description for screen readers').fill('Studio photo of the shell');
    await page.getByRole('button', { name: 'Upload' }).click();
    const uploaded = page.getByRole('img', { name: 'Studio photo of the shell' });
    await uploaded.waitFor();
    const src = await uploaded.getAttribute('src');
    expect(src).toMatch(/^\/images\/uploads\//);
    // New photos go after the colour's drawn placeholder: move it first.
    await page.getByRole('button', { name: 'Earlier (Studio photo of the shell)' }).click();
    await expect
      .poll(() =>
        page
          .locator('.image-row', { hasText: 'Volt Green' })
          .locator('img')
          .first()
          .getAttribute('src'),
      )
      .toBe(src);

    // The storefront: listed, with its facets, and in stock only where the stock is.
    const listing = await api<{
      items: { name: string; slug: string }[];
      facets: { size: { value: string }[]; color: { value: string }[] };
    }>('/api/v1/products?q=Tempo%20Ridge%20Shell');
    const listed = listing.items.find((item) => item.name === 'Tempo Ridge Shell');
    expect(listed).toBeDefined();
    expect(listing.facets.size.map((f) => f.value)).toEqual(
      expect.arrayContaining(['S', 'M', 'L']),
    );
    expect(listing.facets.color.map((f) => f.value)).toEqual(
      expect.arrayContaining(['Black', 'Volt Green']),
    );

    const shop = await admin.newPage();
    await shop.goto(`${store.url}/shop?color=Volt%20Green&size=M&inStock=1&sort=newest`);
    await shop
      .getByRole('link', { name: /Tempo Ridge Shell/ })
      .first()
      .waitFor();
    await shop.goto(`${store.url}/shop?color=Black&size=S&inStock=1&sort=newest`);
    await shop.getByTestId('result-count').waitFor();
    expect(await shop.getByRole('link', { name: /Tempo Ridge Shell/ }).count()).toBe(0);
    await shop.goto(`${store.url}/products/${listed!.slug}?color=Volt%20Green`);
    expect(await shop.locator('.gallery__main img').getAttribute('src')).toBe(src);
    expect(await shop.locator('.size-option input[value="M"]').isDisabled()).toBe(false);
    expect(await shop.locator('.size-option input[value="S"]').isDisabled()).toBe(true);
    await admin.close();
  });

  it('exports the catalog as CSV, refuses a file with a bad row naming its line, and imports a good one', async () => {
    const admin = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await admin.newPage();
    await signIn(page, 'admin@stride.local', 'stride-admin-2026', '/admin/products/file');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const exported = await download.createReadStream().then(async (stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    });
    expect(exported.split('\n')[0]).toContain('product_slug');
    expect(exported.split('\n').length).toBeGreaterThan(100);
    expect(await seriousViolations(page)).toEqual([]);

    const categories = await api<{ items: { slug: string }[] }>('/api/v1/categories');
    const header =
      'product_slug,product_name,description,gender,category_slug,status,color,size,sku,price,compare_at_price,on_hand';
    const row = (sku: string, price: string) =>
      `pace-csv-tee,Pace CSV Tee,Light tee,unisex,${categories.items[0]!.slug},active,Black,M,${sku},${price},,4`;
    const choose = (name: string, text: string) =>
      page
        .getByLabel('CSV file')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

    await choose('bad.csv', [header, row('PACE-CSV-BLK-M', '12.345')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByText('Nothing was stored.').waitFor();
    expect(await page.getByTestId('bad-rows').textContent()).toContain('Line 2');

    await choose('good.csv', [header, row('PACE-CSV-BLK-M', '24.00')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page
      .getByTestId('import-summary')
      .filter({ hasText: 'Would create 1 products' })
      .waitFor();
    expect((await api<{ total: number }>('/api/v1/products?q=Pace%20CSV%20Tee')).total).toBe(0);
    await page.getByRole('button', { name: 'Import good.csv' }).click();
    await page.getByTestId('import-summary').filter({ hasText: 'Created 1 products' }).waitFor();
    const listed = await api<{ items: { name: string }[] }>('/api/v1/products?q=Pace%20CSV%20Tee');
    expect(listed.items.map((item) => item.name)).toContain('Pace CSV Tee');
    await admin.close();
  });

  it('creates a discount, edits what it gives and its limit, and switches it off', async () => {
    const admin = await browser.newContext({ viewport: { width: 1024, height: 900 } });
    const page = await admin.newPage();
    await signIn(page, 'admin@stride.local', 'stride-admin-2026', '/admin/discounts');
    const form = page.getByRole('form', { name: 'New discount' });
    await form.getByLabel('Code').fill('SPRING10');
    await form.getByLabel('Percent').fill('10');
    await form.getByRole('button', { name: 'Create discount' }).click();
    const row = page.locator('tbody tr', { hasText: 'SPRING10' });
    await row.filter({ hasText: '10% off' }).waitFor();

    await row.getByRole('button', { name: 'Edit SPRING10' }).click();
    const edit = page.getByRole('form', { name: 'Edit SPRING10' });
    await edit.getByLabel('Percent').fill('15');
    await edit.getByLabel('Uses at most').fill('100');
    await edit.getByRole('button', { name: 'Save SPRING10' }).click();
    await row.filter({ hasText: '15% off' }).filter({ hasText: '0 of 100' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await row.getByRole('button', { name: 'Deactivate SPRING10' }).click();
    await row.filter({ hasText: 'Inactive' }).waitFor();
    // Each of those writes is in the audit log, with who made it.
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Action').fill('discount.update');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/action=discount\.update/);
    const entries = page.getByTestId('audit-entry').filter({ hasText: 'SPRING10' });
    await entries.first().waitFor();
    expect(await entries.count()).toBe(2);
    expect(await entries.first().textContent()).toContain('admin@stride.local');
    expect(await seriousViolations(page)).toEqual([]);
    // Switched off, the code no longer applies to a bag.
    const cart = await api<{ id: string }>('/api/v1/carts', { method: 'POST' });
    const applied = await fetch(`${store.url}/api/v1/carts/${cart.id}/discount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'SPRING10' }),
    });
    expect(applied.status).toBe(422);
    await admin.close();
  });

  it('replays an email that was dead-lettered while the mail server was down', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    const before = await letters.count();

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

    await letters
      .first()
      .getByRole('button', { name: /^Replay/ })
      .click();
    await page.getByText('Sent again.').waitFor();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => letters.count()).toBe(before - 1);
    await admin.close();
  });
});
