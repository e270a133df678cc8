import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { storeAndBrowser } from '../store.js';
import {
  addToBag,
  bagCount,
  cards,
  checkOutToCardPage,
  fillAddress,
  payWithCard,
  pickAvailableVariant,
  seriousViolations,
  waitForStatus,
} from '../shop.js';

/**
 * A shopper's whole visit in Debian's Chromium against the store as `npm start` runs it: browsing
 * with filters in the URL, the product page's pickers, the bag, a guest checkout and the local
 * gateway's card page.
 */
describe('shopping in Chromium', () => {
  const running = storeAndBrowser();
  const problems: string[] = [];

  /** A fresh visitor (own storage and cookies) whose console errors fail the test. */
  async function visitor(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await running.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      // The card page answers a declined card with 402, which Chromium logs; that is the design.
      if (message.type() === 'error' && !message.text().includes('402'))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page };
  }

  async function apiTotal(query: string): Promise<number> {
    const response = await fetch(`${running.store.url}/api/v1/products?${query}`);
    return ((await response.json()) as { total: number }).total;
  }

  async function shownTotal(page: Page, expected: number) {
    await page
      .getByTestId('result-count')
      .filter({ hasText: expected === 1 ? '1 product' : `${expected} products` })
      .waitFor();
  }

  it('filters by size and colour in the URL, shows what the API counts, and the back button restores them', async () => {
    const { context, page } = await visitor();
    await page.goto(`${running.store.url}/shop`);
    await cards(page).first().waitFor();
    await shownTotal(page, await apiTotal(''));

    await page.getByRole('button', { name: /^Size M,/ }).click();
    await page.waitForURL(/[?&]size=M/);
    await shownTotal(page, await apiTotal('size=M'));

    const black = page.getByRole('button', { name: /^Black,/ });
    await black.click();
    await page.waitForURL(/color=Black/);
    const both = await apiTotal('size=M&color=Black');
    expect(both).toBeGreaterThan(0);
    await shownTotal(page, both);
    expect(await black.getAttribute('aria-pressed')).toBe('true');

    // Every card shown is one the API lists for those filters.
    const listed = (await (
      await fetch(`${running.store.url}/api/v1/products?size=M&color=Black&limit=24`)
    ).json()) as {
      items: { name: string }[];
    };
    await expect
      .poll(async () => cards(page).locator('.product-card__name').allTextContents())
      .toEqual(listed.items.map((item) => item.name));

    await cards(page).first().locator('a').click();
    await page.waitForURL(/\/products\//);
    await page.goBack();
    await page.waitForURL(/size=M.*color=Black|color=Black.*size=M/);
    await shownTotal(page, both);
    expect(await page.getByRole('button', { name: /^Black,/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );

    await page.goBack();
    await page.waitForURL((url) => url.search === '?size=M');
    // The URL changes before the page redraws for it.
    await shownTotal(page, await apiTotal('size=M'));
    await expect
      .poll(() => page.getByRole('button', { name: /^Black,/ }).getAttribute('aria-pressed'))
      .toBe('false');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('buys as a guest: product, colour and size, bag, quantity, checkout, card page, paid', async () => {
    const { context, page } = await visitor();
    await page.goto(`${running.store.url}/shop?size=M`);
    await cards(page).first().locator('a').click();
    // The product page itself, not the listing's heading still on screen while it loads.
    await page.waitForURL(/\/products\//);
    await page.getByRole('button', { name: 'Add to bag' }).waitFor();
    const productName = await page.getByRole('heading', { level: 1 }).textContent();
    const { color, size } = await pickAvailableVariant(page);
    expect(await page.locator('legend', { hasText: 'Colour:' }).textContent()).toBe(
      `Colour: ${color}`,
    );
    await addToBag(page);
    expect(await bagCount(page)).toBe(1);
    // The guest's bag survives a reload.
    await page.reload();
    await expect.poll(() => bagCount(page)).toBe(1);

    await page.getByRole('link', { name: /^Bag,/ }).click();
    const line = page.getByTestId('bag-line');
    await line.waitFor();
    expect(await line.textContent()).toContain(productName ?? '');
    expect(await line.textContent()).toContain(`${color} · Size ${size}`);
    await page.getByLabel(`Quantity of ${productName}`).selectOption('2');
    await expect.poll(() => bagCount(page)).toBe(2);

    await page.getByRole('link', { name: 'Check out' }).click();
    await page.getByLabel('Email').fill('guest@example.com');
    await fillAddress(page);
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/gateway\/pay\//);
    await payWithCard(page, '4242424242424242');
    await page.waitForURL(/\/orders\/[^/]+\/confirmation/);
    await waitForStatus(page, 'Paid');
    expect(await page.getByTestId('order-number').textContent()).toMatch(/\w/);
    expect(await page.textContent('main')).toContain('Visa ending in 4242');
    expect(await seriousViolations(page)).toEqual([]);

    // The emailed link (the order's token in the URL) opens the order on another device.
    const orderId = new URL(page.url()).pathname.split('/')[2]!;
    const token = await page.evaluate(
      (id) => sessionStorage.getItem(`stride.order.${id}`),
      orderId,
    );
    expect(token).toBeTruthy();
    const elsewhere = await running.browser.newContext();
    const phone = await elsewhere.newPage();
    await phone.goto(`${running.store.url}/orders/${orderId}?token=${encodeURIComponent(token!)}`);
    await waitForStatus(phone, 'Paid');
    // Without the token it is no one else's business.
    await phone.goto(`${running.store.url}/orders/${orderId}`);
    await phone.getByRole('heading', { name: 'Order not found' }).waitFor();
    await elsewhere.close();
    await context.close();
    expect(problems).toEqual([]);
  });

  it('shows why a card was declined, and the shopper pays with another', async () => {
    const { context, page } = await visitor();
    await checkOutToCardPage(page, running.store.url, 'declined@example.com', 1);

    await payWithCard(page, '4000000000000002');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/declined.*Try another card/i);
    await payWithCard(page, '4242424242424242');
    await page.waitForURL(/\/confirmation/);
    await waitForStatus(page, 'Paid');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('suggests products as the shopper types, and offers the corrected spelling of a typo', async () => {
    const { context, page } = await visitor();
    const listing = (await (
      await fetch(`${running.store.url}/api/v1/products?limit=50`)
    ).json()) as {
      items: { name: string }[];
    };
    const word = listing.items
      .flatMap((item) => item.name.split(/\s+/))
      .find((w) => /^[a-z]{6,}$/i.test(w))!
      .toLowerCase();
    const typo = word.slice(0, 2) + word[3] + word[2] + word.slice(4);
    await page.goto(running.store.url);
    const box = page.getByRole('combobox', { name: 'Search products' });
    await box.pressSequentially(typo, { delay: 30 });
    // A slow moment mid-typing may show a part-word's suggestions first; then the whole word's.
    await expect
      .poll(async () => (await page.getByRole('option').first().textContent())?.toLowerCase())
      .toContain(word);
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const suggestion = page.locator('.did-you-mean a');
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toBe(word);
    await suggestion.click();
    await page.waitForURL(new RegExp(`q=${word}`));
    await cards(page).first().waitFor();
    await context.close();
    expect(problems).toEqual([]);
  });

  it('does not let a sold-out size be added', async () => {
    const adminToken = await signInAsAdmin(running.store.url);
    const listing = (await (
      await fetch(`${running.store.url}/api/v1/products?inStock=1&limit=1`)
    ).json()) as {
      items: { slug: string }[];
    };
    const slug = listing.items[0]!.slug;
    const product = (await (
      await fetch(`${running.store.url}/api/v1/products/${slug}`)
    ).json()) as {
      variants: { id: string; color: string; size: string }[];
    };
    const soldOut = product.variants[0]!;
    const changed = await fetch(
      `${running.store.url}/api/v1/admin/variants/${soldOut.id}/inventory`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ onHand: 0 }),
      },
    );
    expect(changed.status).toBe(200);

    const { context, page } = await visitor();
    await page.goto(
      `${running.store.url}/products/${slug}?color=${encodeURIComponent(soldOut.color)}`,
    );
    const sizeInput = page.locator(`.size-option input[value="${soldOut.size}"]`);
    await sizeInput.waitFor({ state: 'attached' });
    expect(await sizeInput.isDisabled()).toBe(true);
    expect(await page.locator('.size-option--out').first().textContent()).toContain('sold out');
    // Choosing nothing and pressing the button adds nothing.
    await page.getByRole('button', { name: 'Add to bag' }).click();
    await page.getByText('Choose a size first.').waitFor();
    expect(await bagCount(page)).toBe(0);
    await context.close();
    expect(problems).toEqual([]);
  });
});

async function signInAsAdmin(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@stride.local', password: 'stride-admin-2026' }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
