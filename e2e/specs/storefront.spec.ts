import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeAndBrowser } from '../store.js';

describe('storefront in Chromium', () => {
  const running = storeAndBrowser();
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    page = await running.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  it('shows the seeded catalog with names, prices and images, and loads more on request', async () => {
    await page.goto(`${running.store.url}/shop`);
    const cards = page.locator('.product-grid:not([aria-hidden]) .product-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(24);
    const first = cards.first();
    expect((await first.locator('.product-card__name').textContent())?.trim()).toMatch(/\w/);
    expect(await first.locator('.product-card__price').textContent()).toMatch(
      /^(Sale price )?\$\d+\.\d{2}/,
    );
    const image = first.locator('img');
    expect(await image.getAttribute('alt')).toMatch(/\w/);
    await page.waitForFunction(() => {
      const img = document.querySelector(
        '.product-grid:not([aria-hidden]) img',
      ) as HTMLImageElement | null;
      return img?.complete && img.naturalWidth > 0;
    });

    await page.getByRole('button', { name: /load more/i }).click();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.product-grid:not([aria-hidden]) .product-card').length === 48,
    );
    const names = await cards.locator('.product-card__name').allTextContents();
    expect(new Set(names).size).toBe(names.length);
    expect(problems).toEqual([]);
  });

  it('opens on a home page with categories and new arrivals, each a real link', async () => {
    await page.goto(running.store.url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The tiles and cards themselves, not the placeholders shown while they load.
    const tiles = page.locator('a.category-tile');
    await tiles.first().waitFor();
    expect(await tiles.first().getAttribute('href')).toMatch(/^\/shop\/[\w-]+$/);
    const arrivals = page
      .locator('section', { has: page.getByRole('heading', { name: 'New arrivals' }) })
      .locator('.product-grid:not([aria-hidden])');
    await arrivals.locator('.product-card').first().waitFor();
    expect(await arrivals.locator('.product-card').count()).toBe(8);
    expect(await arrivals.locator('.product-card a').first().getAttribute('href')).toMatch(
      /^\/products\/[\w-]+$/,
    );
    expect(problems).toEqual([]);
  });

  it('reads the listing it preloads once: the page fetches it while the script arrives', async () => {
    const fresh = await running.browser.newPage();
    const reads: string[] = [];
    fresh.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/products') reads.push(request.url());
    });
    await fresh.goto(`${running.store.url}/shop`);
    await fresh.locator('.product-grid:not([aria-hidden]) .product-card').first().waitFor();
    // The page asked for it ahead of the script, and the script's own read used that answer.
    expect(
      await fresh.locator('link[rel="preload"][href="/api/v1/products?limit=24"]').count(),
    ).toBe(1);
    expect(reads.filter((url) => url.endsWith('/api/v1/products?limit=24'))).toHaveLength(1);
    await fresh.close();
  });

  it('shows only marked-down products on sale, each with its former price', async () => {
    await page.goto(`${running.store.url}/shop?onSale=1`);
    const cards = page.locator('.product-grid:not([aria-hidden]) .product-card');
    await cards.first().waitFor();
    const shown = await cards.count();
    expect(shown).toBeGreaterThan(0);
    expect(await cards.locator('.price__was').count()).toBe(shown);
    expect(await page.getByRole('checkbox', { name: 'On sale' }).isChecked()).toBe(true);
  });

  it('answers an unknown address with the 404 page', async () => {
    await page.goto(`${running.store.url}/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.goto(`${running.store.url}/products/no-such-product`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('fits a 360 px wide phone without horizontal scrolling', async () => {
    const phone = await running.browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(`${running.store.url}/shop`);
    await phone.locator('.product-grid:not([aria-hidden]) .product-card').first().waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});
