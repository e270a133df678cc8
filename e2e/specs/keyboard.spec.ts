import { describe, expect, it } from 'vitest';
import { tabTo, typeInto, waitForStatus } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/** One item bought from the product page to the paid order with the keyboard alone: no clicks. */
describe('a keyboard-only purchase', () => {
  const running = storeAndBrowser();

  it('chooses a size, adds to the bag, checks out and pays with Tab, Space, arrows and Enter', async () => {
    const listing = (await (
      await fetch(`${running.store.url}/api/v1/products?inStock=1&limit=1`)
    ).json()) as {
      items: { slug: string }[];
    };
    const page = await running.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${running.store.url}/products/${listing.items[0]!.slug}`);
    await page.getByRole('button', { name: 'Add to bag' }).waitFor();

    // Into the size group; arrows move the choice to the next size that can be bought.
    await tabTo(page, '.size-option input');
    await page.keyboard.press('Space');
    const focused = () => page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    const first = await focused();
    expect(await page.locator(`.size-option input[value="${first}"]`).isChecked()).toBe(true);
    if ((await page.locator('.size-option input:not([disabled])').count()) > 1) {
      await page.keyboard.press('ArrowRight');
      const next = await focused();
      expect(next).not.toBe(first);
      expect(await page.locator(`.size-option input[value="${next}"]`).isChecked()).toBe(true);
    }
    await tabTo(page, 'button.button--wide');
    await page.keyboard.press('Enter');
    await page.getByText('Added to your bag.').waitFor();

    await tabTo(page, 'a[href="/bag"]:not(.bag-link)');
    await page.keyboard.press('Enter');
    await page.getByTestId('bag-line').waitFor();
    await tabTo(page, 'a[href="/checkout"]');
    await page.keyboard.press('Enter');

    await typeInto(page, '#checkout-email', 'keys@example.com');
    await typeInto(page, '#address-firstName', 'Kay');
    await typeInto(page, '#address-lastName', 'Board');
    await typeInto(page, '#address-line1', '2 Home Row');
    await typeInto(page, '#address-city', 'Austin');
    await typeInto(page, '#address-region', 'TX');
    await typeInto(page, '#address-postalCode', '78701');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/gateway\/pay\//);
    await typeInto(page, '#cardNumber', '4242424242424242');
    await typeInto(page, '#expMonth', '12');
    await typeInto(page, '#expYear', String(new Date().getFullYear() + 1));
    await typeInto(page, '#cvc', '123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/confirmation/);
    await waitForStatus(page, 'Paid');
    await page.close();
  });
});
