import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { anonymous, inTransaction } from '../../src/platform/context.js';
import { queryRows } from '../../src/platform/db/index.js';
import {
  createTestStore,
  freePort,
  silentLogger,
  type Backend,
  type TestStore,
} from '../harness.js';
import { startWorker } from '../../src/worker.js';
import { ensureAdmin } from '../../src/modules/accounts/index.js';
import type { Order } from '../../src/modules/orders/index.js';

/** What the checkout tests share: a store per file, stocked variants made per test, and the calls. */

export const address = {
  firstName: 'Ada',
  lastName: 'Runner',
  line1: '1 Market Street',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
};

export interface StockedVariant {
  variantId: string;
  sku: string;
  price: number;
}

export const uniqueEmail = () => `buyer-${randomBytes(6).toString('hex')}@example.com`;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function checkoutKit(
  backend: Backend,
  options: {
    env?: Record<string, string>;
    worker?: boolean;
    /** Listen on a free port (PORT is set to it): for webhooks the store must receive over HTTP. */
    listen?: boolean;
  } = {},
) {
  const ctx = {} as {
    store: TestStore;
    worker?: Awaited<ReturnType<typeof startWorker>>;
    adminToken: string;
  };
  let nextVariant = 0;

  beforeAll(async () => {
    const port = options.listen ? await freePort() : undefined;
    ctx.store = await createTestStore(backend, {
      ...(port
        ? {
            PORT: String(port),
            PUBLIC_URL: `http://127.0.0.1:${port}`,
            PAYMENT_WEBHOOK_URL: `http://127.0.0.1:${port}/api/v1/webhooks/payments/local`,
          }
        : {}),
      ...options.env,
    });
    if (port) await ctx.store.app.listen({ port, host: '127.0.0.1' });
    if (options.worker) {
      ctx.worker = await startWorker({
        config: ctx.store.config,
        adapters: ctx.store.adapters,
        services: ctx.store.services,
        logger: silentLogger,
      });
    }
    const adminEmail = `admin-${randomBytes(4).toString('hex')}@stride.test`;
    await ensureAdmin(ctx.store.adapters.database.db, adminEmail, 'admin password for tests');
    const login = await post('/auth/login', {
      email: adminEmail,
      password: 'admin password for tests',
    });
    ctx.adminToken = (login.json() as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await ctx.worker?.stop();
    await ctx.store?.close();
  });

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    ctx.store.app.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers,
    });
  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    request('POST', url, payload, headers);
  const get = (url: string, headers: Record<string, string> = {}) =>
    request('GET', url, undefined, headers);

  /** A variant no other test of this file uses, with exactly `onHand` units and nothing reserved. */
  async function stockedVariant(onHand: number): Promise<StockedVariant> {
    const [row] = await queryRows<{ id: string; sku: string; price_amount: number }>(
      ctx.store.adapters.database.db,
      sql`SELECT v.id, v.sku, v.price_amount FROM variants v JOIN products p ON p.id = v.product_id
          JOIN stock_levels s ON s.variant_id = v.id
          WHERE p.status = 'active' AND s.reserved = 0
          ORDER BY v.sku OFFSET ${nextVariant++} LIMIT 1`,
    );
    if (!row) throw new Error('the seeded catalog ran out of variants');
    await ctx.store.services.inventory.setOnHand(anonymous, row.id, onHand);
    return { variantId: row.id, sku: row.sku, price: row.price_amount };
  }

  async function cartWith(
    lines: { variantId: string; quantity: number }[],
    headers: Record<string, string> = {},
  ): Promise<string> {
    const created = await post('/carts', undefined, headers);
    expect(created.statusCode, created.body).toBe(201);
    const cartId = (created.json() as { id: string }).id;
    for (const line of lines) {
      const added = await post(`/carts/${cartId}/items`, line, headers);
      expect(added.statusCode, added.body).toBe(200);
    }
    return cartId;
  }

  const orderBody = (cartId: string, overrides: Record<string, unknown> = {}) => ({
    cartId,
    email: uniqueEmail(),
    shippingAddress: address,
    shippingMethodId: 'standard',
    ...overrides,
  });

  const placeOrder = (
    cartId: string,
    overrides: Record<string, unknown> = {},
    headers: Record<string, string> = {},
    key: string | null = randomUUID(),
  ) =>
    post('/orders', orderBody(cartId, overrides), {
      ...(key ? { 'idempotency-key': key } : {}),
      ...headers,
    });

  async function stockOf(variantId: string) {
    const [row] = await queryRows<{ on_hand: number; reserved: number }>(
      ctx.store.adapters.database.db,
      sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId}::uuid`,
    );
    return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
  }

  async function register(email = uniqueEmail()) {
    const response = await post('/auth/register', {
      email,
      password: 'correct horse battery staple',
      firstName: 'Sam',
      lastName: 'Sprinter',
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as { accessToken: string; user: { id: string } };
    return {
      email,
      token: body.accessToken,
      userId: body.user.id,
      headers: bearer(body.accessToken),
    };
  }

  /**
   * Pay an order without the webhook round trip: the in-store gateway charges the test card (so its
   * books agree, and a later refund goes through), and the order is marked paid as the
   * payment_success consumer would.
   */
  async function markPaid(orderId: string) {
    const [payment] = await queryRows<{ client_secret: string; provider_reference: string }>(
      ctx.store.adapters.database.db,
      sql`SELECT client_secret, provider_reference FROM payments WHERE order_id = ${orderId}::uuid`,
    );
    const gateway = ctx.store.services.paymentGateway;
    if (!payment || !gateway) throw new Error('no payment intent in the in-store gateway');
    await gateway.ledger.confirm(payment.client_secret, {
      cardNumber: '4242424242424242',
      expMonth: 12,
      expYear: 2034,
      cvc: '123',
    });
    return inTransaction(ctx.store.adapters.database.db, anonymous, (tx) =>
      ctx.store.services.orders.markPaid(tx, orderId, {
        reference: payment.provider_reference,
        paymentMethod: 'Visa ending in 4242',
      }),
    );
  }

  const count = async (query: ReturnType<typeof sql>) =>
    (await queryRows<{ n: number }>(ctx.store.adapters.database.db, query))[0]?.n ?? 0;

  return {
    ctx,
    request,
    post,
    get,
    stockedVariant,
    cartWith,
    orderBody,
    placeOrder,
    stockOf,
    register,
    count,
    markPaid,
    admin: () => bearer(ctx.adminToken),
  };
}

export type PlacedOrder = Order & { accessToken?: string };
