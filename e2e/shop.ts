import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What the browser tests do again and again, as a shopper would do it. */

export const cards = (page: Page) => page.locator('.product-grid .product-card');

/** Open a product page and pick the first colour and size that can still be bought. */
export async function pickAvailableVariant(page: Page): Promise<{ color: string; size: string }> {
  await page.getByRole('button', { name: 'Add to bag' }).waitFor();
  const colorInputs = page.locator('input[name$="-color"]');
  const colors = await colorInputs.count();
  for (let c = 0; c < colors; c++) {
    await colorInputs.nth(c).check();
    const sizes = page.locator('.size-option input:not([disabled])');
    if ((await sizes.count()) > 0) {
      await sizes.first().check();
      const color = await colorInputs.nth(c).inputValue();
      const size = await sizes.first().inputValue();
      return { color, size };
    }
  }
  throw new Error('no colour of this product has a size in stock');
}

export async function addToBag(page: Page) {
  await page.getByRole('button', { name: 'Add to bag' }).click();
  await page.getByText('Added to your bag.').waitFor();
}

export async function bagCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('bag-count').textContent());
}

export async function fillAddress(page: Page) {
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Runner');
  await page.getByLabel('Address', { exact: true }).fill('1 Track Lane');
  await page.getByLabel('City').fill('Portland');
  await page.getByLabel('State or region').fill('OR');
  await page.getByLabel('Postal code').fill('97201');
}

/** A guest puts the `nth` product of the listing in the bag, in a size that is in stock. */
export async function bagListingProduct(page: Page, base: string, nth = 0) {
  await page.goto(`${base}/shop`);
  await cards(page).nth(nth).locator('a').click();
  await page.waitForURL(/\/products\//);
  await pickAvailableVariant(page);
  await addToBag(page);
}

/** From a filled bag, through the checkout form, to "Continue to payment". */
export async function submitCheckout(page: Page, base: string, email: string) {
  await page.goto(`${base}/checkout`);
  await page.getByLabel('Email').fill(email);
  await fillAddress(page);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
}

/**
 * A guest buys the `nth` product of the listing (a size in stock) and continues to the local
 * gateway's card page.
 */
export async function checkOutToCardPage(page: Page, base: string, email: string, nth = 0) {
  await bagListingProduct(page, base, nth);
  await submitCheckout(page, base, email);
  await page.waitForURL(/\/gateway\/pay\//);
}

/** On the local gateway's card page: pay with a card, any future expiry. */
export async function payWithCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Month (MM)').fill('12');
  await page.getByLabel('Year (YYYY)').fill(String(new Date().getFullYear() + 2));
  await page.getByLabel('CVC').fill('123');
  await page.getByRole('button', { name: /^Pay / }).click();
}

export async function waitForStatus(page: Page, status: string) {
  await page.getByTestId('order-status').filter({ hasText: status }).waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('order-status').textContent()).toBe(status);
}

/** Press Tab until the focused element matches the selector, as a keyboard user moves through a page. */
export async function tabTo(page: Page, selector: string, most = 80) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Focus a field with Tab and type into it. */
export async function typeInto(page: Page, selector: string, text: string) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

/** Accessibility problems axe rates serious or critical (WCAG 2.1 A and AA), one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** A JSON call to the store's API that must succeed (an Idempotency-Key on order placement). */
export async function jsonCall<T>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
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
  expect(response.ok, `${path} answered ${response.status}: ${await response.clone().text()}`).toBe(
    true,
  );
  return (await response.json()) as T;
}

/** Sign in on the storefront's page and land on `next`. */
export async function signIn(
  page: Page,
  base: string,
  email: string,
  password: string,
  next: string,
) {
  await page.goto(`${base}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => url.pathname === next);
}
