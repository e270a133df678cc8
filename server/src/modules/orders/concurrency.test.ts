import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, servicesConfigured, testJwtSecret } from '../../../test/harness.js';
import { freePort, startApiProcess } from '../../../test/process.js';
import { checkoutKit, uniqueEmail, address } from '../../../test/kits/checkout.js';

/**
 * Many buyers at once. On the real PostgreSQL these requests run in parallel transactions; the
 * conditional reservation and the fixed lock order are what keep the stock right.
 */
describeEachBackend('concurrent checkouts on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, stockedVariant, cartWith, placeOrder, stockOf, count } = kit;

  it('sells the last 5 units to exactly 5 of 40 guests buying at once', async () => {
    const v = await stockedVariant(5);
    const carts = await Promise.all(
      Array.from({ length: 40 }, () => cartWith([{ variantId: v.variantId, quantity: 1 }])),
    );
    const answers = await Promise.all(carts.map((cartId) => placeOrder(cartId)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(35);
    for (const refused of answers.filter((a) => a.statusCode === 409)) {
      expect(refused.json()).toMatchObject({
        code: 'insufficient_stock',
        lines: [{ variantId: v.variantId, requested: 1, available: 0 }],
      });
    }
    expect(await stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 5 });
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM order_lines WHERE variant_id = ${v.variantId}::uuid`,
      ),
    ).toBe(5);
    const [slug] = await queryRows<{ slug: string }>(
      ctx.store.adapters.database.db,
      sql`SELECT p.slug FROM products p JOIN variants v ON v.product_id = p.id WHERE v.id = ${v.variantId}::uuid`,
    );
    const page = (await kit.get(`/products/${slug?.slug}`)).json() as {
      variants: { id: string; available: number }[];
    };
    expect(page.variants.find((x) => x.id === v.variantId)?.available).toBe(0);
  });

  it('never deadlocks two checkouts holding the same variants in opposite order', async () => {
    const x = await stockedVariant(100);
    const y = await stockedVariant(100);
    const carts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cartWith(
          i % 2 === 0
            ? [
                { variantId: x.variantId, quantity: 1 },
                { variantId: y.variantId, quantity: 2 },
              ]
            : [
                { variantId: y.variantId, quantity: 2 },
                { variantId: x.variantId, quantity: 1 },
              ],
        ),
      ),
    );
    const answers = await Promise.all(carts.map((cartId) => placeOrder(cartId)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    expect(await stockOf(x.variantId)).toEqual({ onHand: 100, reserved: 20 });
    expect(await stockOf(y.variantId)).toEqual({ onHand: 100, reserved: 40 });
  });

  it('gives the last use of a discount code to exactly one of two racing shoppers', async () => {
    const v = await stockedVariant(10);
    const code = `LAST-${randomUUID().slice(0, 8)}`;
    await ctx.store.services.pricing.discounts.create(anonymous, {
      code,
      kind: 'percent',
      value: 20,
      currency: 'USD',
      minSubtotal: 0,
      usageLimit: 1,
      active: true,
    });
    const carts = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
        const applied = await kit.post(`/carts/${cartId}/discount`, { code });
        expect(applied.statusCode, applied.body).toBe(200);
        return cartId;
      }),
    );
    const answers = await Promise.all(carts.map((cartId) => placeOrder(cartId)));
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.statusCode !== 201)) {
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'invalid_discount',
        reason: 'usage_limit_reached',
      });
    }
    expect(await count(sql`SELECT times_used AS n FROM discounts WHERE code = ${code}`)).toBe(1);
    expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 1 });
  });
});

// Only where real services are configured (always in CI): processes cannot share an embedded store.
describe.runIf(servicesConfigured)('two API processes on one database', () => {
  const kit = checkoutKit('services');

  it(
    'still sells the last 5 units exactly once each',
    { timeout: 120_000 },
    async ({ onTestFinished }) => {
      const v = await kit.stockedVariant(5);
      const databaseUrl = kit.ctx.store.adapters.databaseUrl as string;
      const ports = [await freePort(), await freePort()];
      const processes = ports.map((port) =>
        startApiProcess({
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: databaseUrl,
          SEED_ON_START: 'false',
          JWT_SECRET: testJwtSecret,
          NODE_ENV: 'test',
          AUTH_RATE_LIMIT: '100000',
          ORDER_RATE_LIMIT: '100000',
        }),
      );
      // Stopped however the test ends, a timeout included: a process left running would outlive it.
      onTestFinished(async () => {
        for (const p of processes) p.child.kill('SIGTERM');
        await Promise.all(processes.map((p) => p.exited));
      });
      await Promise.all(processes.map((p) => p.ready));
      const base = (i: number) => `http://127.0.0.1:${ports[i % 2]}/api/v1`;
      const buyers = Array.from({ length: 40 }, (_, i) => i);
      const carts = await Promise.all(
        buyers.map(async (i) => {
          const created = await fetch(`${base(i)}/carts`, { method: 'POST' });
          const { id } = (await created.json()) as { id: string };
          const added = await fetch(`${base(i)}/carts/${id}/items`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ variantId: v.variantId, quantity: 1 }),
          });
          expect(added.status).toBe(200);
          return id;
        }),
      );
      const statuses = await Promise.all(
        buyers.map(async (i) => {
          const response = await fetch(`${base(i + 1)}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify({
              cartId: carts[i],
              email: uniqueEmail(),
              shippingAddress: address,
              shippingMethodId: 'standard',
            }),
          });
          return response.status;
        }),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(35);
      expect(await kit.stockOf(v.variantId)).toEqual({ onHand: 5, reserved: 5 });
    },
  );
});
