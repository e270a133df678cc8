import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addToBag, cards, pickAvailableVariant, seriousViolations } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/**
 * Every storefront page at a phone's width and a laptop's: no serious or critical accessibility
 * violation (axe), no sideways scrolling, and a screenshot of each kept as a CI artifact
 * (test-results/screenshots, not committed).
 */
const screenshots = join(
  process.env.TEST_RESULTS_DIR ?? join(import.meta.dirname, '..', 'test-results'),
  'screenshots',
);
const viewports = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1366, height: 900 },
] as const;

describe('storefront pages, accessible and responsive', () => {
  const running = storeAndBrowser();

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
  });

  for (const viewport of viewports) {
    // Nine pages scanned and photographed take about 25 s on a busy machine: room beyond a minute.
    it(`home, listing, product, bag and checkout at ${viewport.width} px`, async () => {
      const context = await running.browser.newContext({
        viewport: { width: viewport.width, height: viewport.height },
      });
      const page = await context.newPage();
      const found: Record<string, string[]> = {};
      async function check(name: string) {
        await page.waitForLoadState('networkidle');
        found[name] = await seriousViolations(page);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        if (overflow > 0) found[name]!.push(`scrolls sideways by ${overflow} px`);
        await page.screenshot({
          path: join(screenshots, `${name}-${viewport.width}.png`),
          fullPage: true,
        });
      }

      await page.goto(running.store.url);
      await page.locator('.product-card').first().waitFor();
      await check('home');

      await page.goto(`${running.store.url}/shop`);
      await cards(page).first().waitFor();
      await check('listing');

      await cards(page).first().locator('a').click();
      await page.getByRole('button', { name: 'Add to bag' }).waitFor();
      await check('product');

      await pickAvailableVariant(page);
      await addToBag(page);
      await page.goto(`${running.store.url}/bag`);
      await page.getByTestId('bag-line').waitFor();
      await check('bag');

      await page.goto(`${running.store.url}/checkout`);
      await page.getByRole('button', { name: 'Continue to payment' }).waitFor();
      await check('checkout');

      await page.goto(`${running.store.url}/no-such-page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await check('not-found');

      await page.goto(`${running.store.url}/sign-in`);
      await page.getByRole('button', { name: /sign in/i }).waitFor();
      await check('sign-in');

      await page.goto(`${running.store.url}/sign-up`);
      await page.getByRole('button', { name: /create account/i }).waitFor();
      await check('sign-up');

      await page.goto(`${running.store.url}/reset-password`);
      await page.locator('main form').waitFor();
      await check('reset-password');

      await context.close();
      expect(found).toEqual({
        home: [],
        listing: [],
        product: [],
        bag: [],
        checkout: [],
        'not-found': [],
        'sign-in': [],
        'sign-up': [],
        'reset-password': [],
      });
    }, 120_000);
  }
});
