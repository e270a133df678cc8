import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { jsonCall } from '../shop.js';
import { storeAndBrowser } from '../store.js';

/** The account pages as a shopper uses them: sign-up, the address book, signing out everywhere. */
describe('account pages in Chromium', () => {
  const running = storeAndBrowser();
  const password = 'correct horse battery staple';
  const email = `runner-${Date.now().toString(36)}@example.com`;

  /** Serious and critical accessibility problems inside the page's main content. */
  const accessibilityProblems = async (page: Page) =>
    (await new AxeBuilder({ page }).include('main').analyze()).violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(', ')}`);

  const focusedName = (page: Page) =>
    page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);

  it('sends a signed-out visitor to sign up and back, then keeps an address book', async () => {
    // A context of its own: axe opens pages beside this one.
    const context = await running.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${running.store.url}/account/addresses`);
    await page.waitForURL(/\/sign-in\?next=%2Faccount%2Faddresses$/);
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Runner');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The problem is beside the field, tied to it, and the field has focus.
    const passwordField = page.getByLabel('Password');
    await expect.poll(() => passwordField.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toMatch(/10 characters/);
    expect(await focusedName(page)).toBe('password');

    await passwordField.fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/account\/addresses$/);
    await page.getByRole('heading', { name: 'Addresses', exact: true }).waitFor();

    // A US address needs its state code: said before anything is sent.
    await page.getByRole('button', { name: 'Add an address' }).click();
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Runner');
    await page.getByLabel('Address', { exact: true }).fill('1 Track Lane');
    await page.getByLabel('City').fill('Portland');
    await page.getByLabel('Postal code').fill('97201');
    await page.getByRole('button', { name: 'Add address' }).click();
    await expect.poll(() => focusedName(page)).toBe('region');
    await page.getByLabel('State').fill('OR');
    await page.getByRole('button', { name: 'Add address' }).click();
    const cards = page.getByTestId('address-card');
    await cards.first().waitFor();
    expect(await cards.first().textContent()).toContain('Default shipping address');

    await page.getByRole('button', { name: 'Add an address' }).click();
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Runner');
    await page.getByLabel('Address', { exact: true }).fill('2 Mile End Road');
    await page.getByLabel('City').fill('London');
    await page.getByLabel('Postal code').fill('E1 4NS');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByRole('button', { name: 'Add address' }).click();
    await expect.poll(() => cards.count()).toBe(2);

    await page.getByRole('button', { name: 'Make default the address at 2 Mile End Road' }).click();
    await expect.poll(() => cards.first().textContent()).toContain('Mile End Road');
    expect(await cards.first().textContent()).toContain('Default shipping address');

    // Deleting asks first; the safe answer has focus.
    await page.getByRole('button', { name: 'Delete the address at 1 Track Lane' }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await expect.poll(() => cards.count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByText('No orders yet').waitFor();
    expect(await page.title()).toBe('Your orders · Stride');
    await context.close();
  });

  it('signs out every device at once', async () => {
    const devices = await Promise.all([running.browser.newContext(), running.browser.newContext()]);
    const [laptop, phone] = await Promise.all(devices.map((device) => device.newPage()));
    for (const page of [laptop, phone] as Page[]) {
      await page.goto(`${running.store.url}/sign-in`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/account$/);
    }
    const here = laptop as Page;
    const there = phone as Page;

    await here.getByRole('button', { name: 'Sign out everywhere…' }).click();
    await here.getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    await here.waitForURL(/\/sign-in$/);
    await here.getByText('You have signed out on every device.').waitFor();

    // The other device's next request finds its session ended, and it is asked to sign in again.
    await there.getByRole('link', { name: 'Addresses', exact: true }).click();
    await there.waitForURL(/\/sign-in\?next=%2Faccount%2Faddresses$/);
    await Promise.all(devices.map((device) => device.close()));
  });

  it('says when sign-in fails and when a reset link is no good', async () => {
    const page = await running.browser.newPage();
    await page.goto(`${running.store.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('[data-form-alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/don’t match an account/);

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByText(/If an account exists for/).waitFor();

    await page.goto(`${running.store.url}/reset-password?token=not-a-real-token`);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Confirm new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/invalid or has expired/);
    await page.close();
  });

  it('stays on the store after sign-in, whatever ?next= says', async () => {
    // An account of its own, so this test runs alone too.
    const shopper = `next-${Date.now().toString(36)}@example.com`;
    await jsonCall(running.store.url, '/api/v1/auth/register', {
      method: 'POST',
      body: { email: shopper, password, firstName: 'Nia', lastName: 'Runner' },
    });
    const context = await running.browser.newContext();
    const page = await context.newPage();
    const store = new URL(running.store.url);
    const signInTo = (next: string) =>
      `${running.store.url}/sign-in?next=${encodeURIComponent(next)}`;
    /** Where the page settles once the sign-in page has sent the shopper on. */
    const destination = async () => {
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      return new URL(page.url());
    };

    await page.goto(signInTo('/.//evil.test'));
    await page.getByLabel('Email').fill(shopper);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    let landed = await destination();
    expect([landed.origin, landed.pathname]).toEqual([store.origin, '/account']);

    // Signed in, the sign-in page sends the shopper straight on: each way of naming another site.
    for (const next of [
      '//evil.test',
      '/\\evil.test',
      '/\\/evil.test',
      '/..//evil.test',
      '/shop/..//evil.test',
      '/./\\evil.test',
      '/\t/evil.test',
      'https://evil.test/',
      'javascript:alert(1)',
    ]) {
      await page.goto(signInTo(next));
      landed = await destination();
      expect([landed.origin, landed.pathname], next).toEqual([store.origin, '/account']);
    }
    // An encoded slash is a path on this site (a page it does not have), not another host.
    await page.goto(signInTo('/%2F%2Fevil.test'));
    landed = await destination();
    expect(landed.origin).toBe(store.origin);
    // A path on the store is kept, with its query and fragment.
    await page.goto(signInTo('/account/addresses?x=1#top'));
    landed = await destination();
    expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe('/account/addresses?x=1#top');
    await context.close();
  });
});
