import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addToBag, cards, jsonCall, pickAvailableVariant, signIn } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/**
 * The countries a shopper may pick are the ones the store ships to, as the API says
 * (SHIPPING_COUNTRIES, set here to other than the default so nothing built into the storefront could
 * pass for it), in checkout and in the address book alike.
 */
describe('countries in Chromium', () => {
  const running = storeAndBrowser(() => ({ SHIPPING_COUNTRIES: 'GB,US,JP' }));
  const password = 'correct horse battery staple';
  const shipsTo = [
    ['GB', 'United Kingdom'],
    ['US', 'United States'],
    ['JP', 'Japan'],
  ];

  const options = (page: Page, select: string) =>
    page
      .locator(`${select} option:not([disabled])`)
      .evaluateAll((all) => all.map((o) => [(o as HTMLOptionElement).value, o.textContent]));

  it('offers exactly the countries the API lists, at checkout and in the address book', async () => {
    const api = await jsonCall<{ items: { code: string }[] }>(
      running.store.url,
      '/api/v1/shipping-countries',
    );
    expect(api.items.map((c) => c.code)).toEqual(['GB', 'US', 'JP']);

    const context = await running.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${running.store.url}/shop`);
    await cards(page).first().locator('a').click();
    await pickAvailableVariant(page);
    await addToBag(page);
    await page.goto(`${running.store.url}/checkout`);
    const country = page.locator('#address-country');
    await expect.poll(() => options(page, '#address-country')).toEqual(shipsTo);
    expect(await country.inputValue()).toBe('US');
    await country.selectOption('JP');
    // Abroad: international methods, and the region is free text.
    await page.getByText(/International standard/).waitFor();
    expect(await page.getByLabel('State or region (optional)').count()).toBe(1);

    const email = `countries-${Date.now().toString(36)}@example.com`;
    await jsonCall(running.store.url, '/api/v1/auth/register', {
      method: 'POST',
      body: { email, password, firstName: 'Kai', lastName: 'Runner' },
    });
    await signIn(page, running.store.url, email, password, '/account/addresses');
    await page.getByRole('button', { name: 'Add an address' }).click();
    await expect.poll(() => options(page, 'select[name="country"]')).toEqual(shipsTo);
    // A new address starts in the first country the store ships to.
    expect(await page.locator('select[name="country"]').inputValue()).toBe('GB');
    await context.close();
  });

  it('says at checkout that a saved address is in a country the store does not ship to', async () => {
    const email = `abroad-${Date.now().toString(36)}@example.com`;
    const { accessToken } = await jsonCall<{ accessToken: string }>(
      running.store.url,
      '/api/v1/auth/register',
      { method: 'POST', body: { email, password, firstName: 'Ola', lastName: 'Runner' } },
    );
    await jsonCall(running.store.url, '/api/v1/me/addresses', {
      method: 'POST',
      token: accessToken,
      body: {
        firstName: 'Ola',
        lastName: 'Runner',
        line1: 'Unter den Linden 1',
        city: 'Berlin',
        postalCode: '10117',
        country: 'DE',
      },
    });
    const context = await running.browser.newContext();
    const page = await context.newPage();
    await signIn(page, running.store.url, email, password, '/account/addresses');
    // The address book shows it, by the country's name.
    await page.getByText('Germany').waitFor();
    await page.goto(`${running.store.url}/shop`);
    await cards(page).nth(1).locator('a').click();
    await pickAvailableVariant(page);
    await addToBag(page);
    await page.goto(`${running.store.url}/checkout`);
    await page.getByText('We don’t ship to Germany. Choose another country.').waitFor();
    expect(await page.locator('#address-country').getAttribute('aria-invalid')).toBe('true');
    // No method ships there, so the order cannot be sent.
    expect(await page.getByRole('button', { name: 'Continue to payment' }).isDisabled()).toBe(true);
    await page.locator('#address-country').selectOption('GB');
    await page.getByText(/International standard/).waitFor();
    expect(await page.getByText('We don’t ship to Germany').count()).toBe(0);
    await context.close();
  });
});
