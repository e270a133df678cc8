import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { describeEachBackend } from '../../../test/harness.js';
import { address, checkoutKit, uniqueEmail } from '../../../test/kits/checkout.js';

/**
 * Countries: every country that comes in is an ISO 3166-1 code (400 `unknown_country`), and the
 * store ships to the ones SHIPPING_COUNTRIES names, no others (422 `country_not_shipped`).
 */
describeEachBackend('countries on %s backends', (backend) => {
  const kit = checkoutKit(backend, { env: { SHIPPING_COUNTRIES: 'us, GB,jp' } });
  const { get, post, stockedVariant, cartWith, placeOrder, register, count } = kit;

  const refusedAs = (
    response: { statusCode: number; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ status, code });
  };
  const ordersFor = (email: string) =>
    count(sql`SELECT count(*)::int AS n FROM orders WHERE email = ${email}`);

  it('lists the countries the store ships to, and which need a region code', async () => {
    const response = await get('/shipping-countries');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      items: [
        { code: 'US', regionRequired: true },
        { code: 'GB', regionRequired: false },
        { code: 'JP', regionRequired: false },
      ],
    });
  });

  it('offers shipping methods only where the store ships', async () => {
    const methods = async (country: string) => {
      const response = await get(`/shipping-methods?country=${country}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: { id: string }[] }).items.map((m) => m.id);
    };
    expect(await methods('jp')).toEqual(['standard', 'express']);
    expect(await methods('US')).toEqual(['standard', 'express', 'next_day']);
    // Germany is a country, just not one this store ships to.
    expect(await methods('DE')).toEqual([]);
    for (const country of ['XX', 'ZZ', 'AA', 'QM', 'GBR', '1A', 'U']) {
      refusedAs(await get(`/shipping-methods?country=${country}`), 400, 'unknown_country');
    }
  });

  it('refuses an order to an unknown country, or one the store does not ship to', async () => {
    const v = await stockedVariant(10);
    const order = async (shipTo: Record<string, unknown>, more: Record<string, unknown> = {}) => {
      const email = uniqueEmail();
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      const response = await placeOrder(cartId, {
        email,
        shippingAddress: { ...address, region: null, ...shipTo },
        ...more,
      });
      return { response, email };
    };
    for (const country of ['XX', 'xx', 'ZZ']) {
      const { response, email } = await order({ country });
      refusedAs(response, 400, 'unknown_country');
      expect(await ordersFor(email)).toBe(0);
    }
    const billedNowhere = await order(
      { country: 'GB' },
      { billingAddress: { ...address, country: 'XX' } },
    );
    refusedAs(billedNowhere.response, 400, 'unknown_country');
    const { response, email } = await order({ country: 'DE' });
    refusedAs(response, 422, 'country_not_shipped');
    expect(response.json()).toMatchObject({ country: 'DE', shippingCountries: ['US', 'GB', 'JP'] });
    expect(await ordersFor(email)).toBe(0);
    expect(await kit.stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 0 });
    // Tax-free nowhere: Japan is shipped to and taxed at its rate; billing may be anywhere real.
    const japan = await order(
      { country: 'jp' },
      { billingAddress: { ...address, country: 'DE', region: null } },
    );
    expect(japan.response.statusCode, japan.response.body).toBe(201);
    expect(japan.response.json()).toMatchObject({
      taxRate: 10,
      shippingAddress: { country: 'JP' },
    });
  });

  it('keeps only real countries in the address book, shipped to or not', async () => {
    const { headers } = await register();
    for (const country of ['XX', 'zz']) {
      refusedAs(
        await post('/me/addresses', { ...address, country }, headers),
        400,
        'unknown_country',
      );
    }
    const german = await post(
      '/me/addresses',
      { ...address, region: null, country: 'de' },
      headers,
    );
    expect(german.statusCode, german.body).toBe(201);
    expect(german.json()).toMatchObject({ country: 'DE' });
    const id = (german.json() as { id: string }).id;
    refusedAs(
      await kit.request('PATCH', `/me/addresses/${id}`, { country: 'XX' }, headers),
      400,
      'unknown_country',
    );
  });
});

describe('the SHIPPING_COUNTRIES setting', () => {
  it('defaults to the countries the tax table covers', () => {
    expect(loadConfig({}).SHIPPING_COUNTRIES).toEqual([
      'US',
      'CA',
      'GB',
      'IE',
      'DE',
      'FR',
      'NL',
      'ES',
      'IT',
      'AU',
      'JP',
    ]);
  });

  it('refuses a code that is no country, and an empty list', () => {
    for (const value of ['US,XX', 'US;GB', '', ' , ']) {
      expect(() => loadConfig({ SHIPPING_COUNTRIES: value }), value).toThrow(ConfigError);
    }
    expect(() => loadConfig({ SHIPPING_COUNTRIES: 'US,XX' })).toThrow(/SHIPPING_COUNTRIES/);
  });
});
