import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { jsonCall, seriousViolations, signIn as signInAt } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/** A 1×1 PNG, enough for the API to recognise the bytes. */
const tinyPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The store team keeping the catalog in Chromium: a product made, stocked and photographed and
 * found on the storefront with its facets; the catalog as a CSV file; a discount and its audit trail.
 */
describe('the admin catalog in Chromium', () => {
  const running = storeAndBrowser();

  const api = <T>(path: string, init?: Parameters<typeof jsonCall>[2]) =>
    jsonCall<T>(running.store.url, path, init);
  const signIn = (page: Page, email: string, password: string, next: string) =>
    signInAt(page, running.store.url, email, password, next);

  it('creates a product with two colours and three sizes, uploads an image, sets stock, and the store lists it with the right facets', async () => {
    const admin = await running.browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    // A colour's first photo is its main image, before the drawing; the team may pick another.
    const volt = page.locator('.image-row', { hasText: 'Volt Green' });
    const mainOf = () =>
      volt.locator('li', { hasText: 'Main image' }).locator('img').getAttribute('src');
    await expect.poll(mainOf).toBe(src);
    await page.getByRole('button', { name: 'Make main (Tempo Ridge Shell in Volt Green)' }).click();
    await expect.poll(mainOf).not.toBe(src);
    await page.getByRole('button', { name: 'Make main (Studio photo of the shell)' }).click();
    await expect.poll(mainOf).toBe(src);

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
    await shop.goto(`${running.store.url}/shop?color=Volt%20Green&size=M&inStock=1&sort=newest`);
    await shop
      .getByRole('link', { name: /Tempo Ridge Shell/ })
      .first()
      .waitFor();
    await shop.goto(`${running.store.url}/shop?color=Black&size=S&inStock=1&sort=newest`);
    await shop.getByTestId('result-count').waitFor();
    expect(await shop.getByRole('link', { name: /Tempo Ridge Shell/ }).count()).toBe(0);
    await shop.goto(`${running.store.url}/products/${listed!.slug}?color=Volt%20Green`);
    expect(await shop.locator('.gallery__main img').getAttribute('src')).toBe(src);
    // A <picture> with AVIF and WebP sources at the photo's width, and a placeholder meanwhile.
    expect(
      await shop.locator('.gallery__main source[type="image/avif"]').getAttribute('srcset'),
    ).toBe(src!.replace(/\.jpg$/, '.avif 1w'));
    expect(await shop.locator('.gallery__main img').getAttribute('sizes')).toContain('100vw');
    expect(await shop.locator('.size-option input[value="M"]').isDisabled()).toBe(false);
    expect(await shop.locator('.size-option input[value="S"]').isDisabled()).toBe(true);
    await admin.close();
  });

  it('exports the catalog as CSV, refuses a file with a bad row naming its line, and imports a good one', async () => {
    const admin = await running.browser.newContext({
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
    const admin = await running.browser.newContext({ viewport: { width: 1024, height: 900 } });
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
    // The URL changes before the filtered list replaces the whole one (which also shows the create).
    await expect.poll(() => entries.count()).toBe(2);
    expect(await entries.first().textContent()).toContain('admin@stride.local');
    expect(await seriousViolations(page)).toEqual([]);
    // Switched off, the code no longer applies to a bag.
    const cart = await api<{ id: string }>('/api/v1/carts', { method: 'POST' });
    const applied = await fetch(`${running.store.url}/api/v1/carts/${cart.id}/discount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'SPRING10' }),
    });
    expect(applied.status).toBe(422);
    await admin.close();
  });
});
