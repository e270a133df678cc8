import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { isLocalOrigin } from '../../platform/local-origin.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

/**
 * Where the card page sends a shopper after paying. With PUBLIC_URL, always there. Without it
 * (development), back to the address the shopper came from, so the guest's order (kept in that
 * origin's storage) opens, as long as that address is this machine's or a private network's: never
 * another site, whatever a request's Host or Origin header says.
 */
function returnAddressKit(env: Record<string, string> = {}) {
  const kit = checkoutKit('embedded', { env });

  /** Place an order with these headers and read where its intent returns the shopper. */
  async function returnUrlFor(headers: Record<string, string>) {
    const variant = await kit.stockedVariant(3);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 1 }]);
    const placed = await kit.placeOrder(cartId, {}, headers);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder;
    const [intent] = await queryRows<{ return_url: string; client_secret: string }>(
      kit.ctx.store.adapters.database.db,
      sql`SELECT return_url, client_secret FROM gateway.intents WHERE metadata->>'orderId' = ${order.id}`,
    );
    return { order, returnUrl: intent?.return_url, clientSecret: intent?.client_secret ?? '' };
  }
  return { kit, returnUrlFor };
}

describe('the page after paying, without PUBLIC_URL', () => {
  const { kit, returnUrlFor } = returnAddressKit();

  it('returns the shopper to the local address they came from (Host, or a proxy’s Origin)', async () => {
    const byHost = await returnUrlFor({ host: '127.0.0.1:4123' });
    expect(byHost.returnUrl).toBe(`http://127.0.0.1:4123/orders/${byHost.order.id}/confirmation`);
    const lan = await returnUrlFor({ host: '192.168.1.20:3000' });
    expect(lan.returnUrl).toMatch(/^http:\/\/192\.168\.1\.20:3000\/orders\//);
    // A development server in front (Vite) rewrites Host; the browser's Origin says where it is.
    const proxied = await returnUrlFor({ host: 'localhost:3000', origin: 'http://10.0.0.5:5173' });
    expect(proxied.returnUrl).toMatch(/^http:\/\/10\.0\.0\.5:5173\/orders\//);
  });

  it('never sends anyone to another site a request names', async () => {
    const named: Record<string, string>[] = [
      { host: 'evil.example' },
      { host: 'evil.example', origin: 'https://evil.example' },
      { host: '127.0.0.1:4123', origin: 'https://8.8.8.8' },
      { host: 'localhost.evil.example' },
    ];
    for (const headers of named) {
      const { returnUrl, order } = await returnUrlFor(headers);
      expect(returnUrl, JSON.stringify(headers)).toBe(
        `http://localhost:3000/orders/${order.id}/confirmation`,
      );
    }
  });

  it('lets the card page send the paid shopper back there, and links to it', async () => {
    const { clientSecret, returnUrl } = await returnUrlFor({ host: '192.168.1.20:3000' });
    const page = await kit.ctx.store.app.inject({
      url: `/gateway/pay/${clientSecret}`,
      headers: { host: '192.168.1.20:3000' },
    });
    expect(page.headers['content-security-policy']).toContain(
      "form-action 'self' http://192.168.1.20:3000;",
    );
    const paid = await kit.ctx.store.app.inject({
      method: 'POST',
      url: `/gateway/pay/${clientSecret}`,
      headers: { host: '192.168.1.20:3000' },
      payload: { cardNumber: '4242424242424242', expMonth: '12', expYear: '2034', cvc: '123' },
    });
    expect(paid.statusCode).toBe(303);
    expect(paid.headers.location).toBe(`${returnUrl}?payment=succeeded`);
    const after = await kit.ctx.store.app.inject(`/gateway/pay/${clientSecret}`);
    expect(after.body).toContain(`href="${returnUrl}"`);
  });
});

describe('the page after paying, with PUBLIC_URL', () => {
  const { returnUrlFor } = returnAddressKit({ PUBLIC_URL: 'https://shop.example.com' });

  it('is always PUBLIC_URL, whatever the request says', async () => {
    const { returnUrl, order } = await returnUrlFor({
      host: '127.0.0.1:4123',
      origin: 'http://127.0.0.1:4123',
    });
    expect(returnUrl).toBe(`https://shop.example.com/orders/${order.id}/confirmation`);
  });
});

describe('a local origin', () => {
  it('is this machine or a private network, over http(s), and nothing else', () => {
    for (const origin of [
      'http://localhost:3000',
      'http://127.0.0.1:8080',
      'https://10.1.2.3',
      'http://172.20.0.4:3000',
      'http://192.168.0.10:5173',
      'http://[::1]:3000',
      'http://[fd00::1]:3000',
      'http://app.localhost:3000',
    ])
      expect(isLocalOrigin(origin), origin).toBe(true);
    for (const origin of [
      'https://shop.example.com',
      'http://172.32.0.1',
      'http://8.8.8.8',
      'http://localhost.evil.example',
      'javascript://127.0.0.1',
      'http://127.0.0.1:3000/path',
      'http://user@127.0.0.1',
      'null',
      '',
    ])
      expect(isLocalOrigin(origin), origin).toBe(false);
  });
});
