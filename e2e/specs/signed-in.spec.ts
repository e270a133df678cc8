import { describe, expect, it } from 'vitest';
import {
  addToBag,
  bagCount,
  cards,
  jsonCall,
  fillAddress,
  payWithCard,
  pickAvailableVariant,
  waitForStatus,
} from '../shop.js';
import { storeAndBrowser } from '../store.js';

/**
 * A returning customer: what they put in the bag as a guest joins what their account's bag already
 * held when they sign in; they check out signed in, and the order is in their account.
 */
describe('shopping signed in', () => {
  const running = storeAndBrowser();

  const api = <T>(path: string, init?: Parameters<typeof jsonCall>[2]) =>
    jsonCall<T>(running.store.url, `/api/v1${path}`, init);

  it('merges the guest bag into the account on sign-in, checks out and shows the order in the account', async () => {
    const email = `returning-${Date.now()}@example.com`;
    const password = 'a long enough passphrase 42';
    const { accessToken } = await api<{ accessToken: string }>('/auth/register', {
      method: 'POST',
      body: { email, password, firstName: 'Rita', lastName: 'Turner' },
    });
    // The account's bag already holds one item, put there from another device.
    const listing = await api<{ items: { slug: string }[] }>('/products?inStock=1&limit=5');
    const product = await api<{ variants: { id: string; available: number }[] }>(
      `/products/${listing.items[4]!.slug}`,
    );
    const variant = product.variants.find((v) => v.available > 0)!;
    const accountCart = await api<{ id: string }>('/carts', { method: 'POST', token: accessToken });
    await api(`/carts/${accountCart.id}/items`, {
      method: 'POST',
      token: accessToken,
      body: { variantId: variant.id, quantity: 1 },
    });

    const context = await running.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${running.store.url}/shop`);
    await cards(page).first().locator('a').click();
    await pickAvailableVariant(page);
    await addToBag(page);
    expect(await bagCount(page)).toBe(1);

    await page.goto(`${running.store.url}/sign-in?next=/checkout`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(/\/checkout$/);
    await expect.poll(() => bagCount(page)).toBe(2);
    await page.getByText(`Signed in as ${email}`).waitFor();

    await fillAddress(page);
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/gateway\/pay\//);
    await payWithCard(page, '4242424242424242');
    await page.waitForURL(/\/confirmation/);
    await waitForStatus(page, 'Paid');
    const number = (await page.getByTestId('order-number').textContent())!;

    // A reload keeps the shopper signed in (the refresh cookie), and the account lists the order.
    await page.goto(`${running.store.url}/account`);
    const row = page.getByRole('link', { name: new RegExp(number) });
    await row.waitFor();
    expect(await page.textContent('main')).toContain('Paid');
    await row.click();
    await page.waitForURL(/\/orders\//);
    await waitForStatus(page, 'Paid');

    // Signed out everywhere from another device: the next call here gets 401, the one silent
    // refresh fails too (the session is gone), and the tab signs the shopper out.
    const other = await api<{ accessToken: string }>('/auth/login', {
      method: 'POST',
      body: { email, password },
    });
    const ended = await fetch(`${running.store.url}/api/v1/auth/logout-all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(ended.status).toBe(204);
    await page
      .getByRole('link', { name: 'Continue shopping' })
      .or(page.getByRole('link', { name: 'All products' }))
      .first()
      .click();
    await cards(page).first().locator('a').click();
    await pickAvailableVariant(page);
    expect(await page.getByRole('link', { name: /^Hi, Rita/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Add to bag' }).click();
    await page.locator('.site-header').getByRole('link', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
