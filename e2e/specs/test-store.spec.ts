import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { storeAndBrowser } from '../store.js';
import { checkOutToCardPage, payWithCard, seriousViolations, waitForStatus } from '../shop.js';

/**
 * The store as a developer runs it: the local test gateway, reached at http://127.0.0.1:PORT with no
 * PUBLIC_URL set. Every page says it is a test store, and a guest who pays on the gateway's card page
 * comes back to this address (where their order's token is kept) and sees the order paid.
 */
describe('a test store at 127.0.0.1 without PUBLIC_URL, in Chromium', () => {
  const running = storeAndBrowser(() => ({}), { publicUrl: false });

  const banner = (page: Page) => page.getByRole('status').filter({ hasText: 'Test store' });

  it('says it is a test store on every page, on a phone too, and the API says so as well', async () => {
    const ready = (await (await fetch(`${running.store.url}/ready`)).json()) as object;
    expect(ready).toMatchObject({ payments: { provider: 'local', mode: 'test' } });
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1366, height: 900 },
    ]) {
      const context = await running.browser.newContext({ viewport });
      const page = await context.newPage();
      for (const path of ['/', '/shop', '/bag', '/sign-in']) {
        await page.goto(`${running.store.url}${path}`);
        await banner(page).waitFor();
        expect(await banner(page).textContent()).toContain('no real money is taken');
        // On screen, within the window's width, at its bottom edge.
        const box = await banner(page).boundingBox();
        expect(box, path).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
        expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 1);
        expect(box!.y + box!.height).toBeGreaterThan(viewport.height - 2);
      }
      // It comes after the page's own content and moves none of it: the header stays where it is.
      const header = await page.locator('.site-header').boundingBox();
      expect(header?.y).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }
  });

  it('a guest pays on the card page and comes back to this address, to the order paid', async () => {
    const context = await running.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await checkOutToCardPage(page, running.store.url, 'no-public-url@example.com');
    await payWithCard(page, '4242424242424242');
    await page.waitForURL(/\/orders\/[^/]+\/confirmation/);
    expect(new URL(page.url()).origin).toBe(running.store.url);
    await waitForStatus(page, 'Paid');
    expect(await page.textContent('main')).toContain('Visa ending in 4242');
    expect(problems).toEqual([]);
    await context.close();
  });
});
