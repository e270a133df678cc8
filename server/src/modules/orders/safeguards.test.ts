import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { anonymous, inTransaction } from '../../platform/context.js';
import { describeEachBackend, servicesConfigured } from '../../../test/harness.js';
import { createIdempotency, requestHash } from './idempotency.js';
import { maxUnpaidOrders } from './place-order.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

/** What keeps one cart, one key or one shopper from taking more than they should. */
describeEachBackend('checkout safeguards on %s backends', (backend) => {
  const kit = checkoutKit(backend);
  const { ctx, stockedVariant, cartWith, placeOrder, stockOf, count } = kit;

  it('turns one cart into one order, whatever keys concurrent requests carry', async () => {
    const v = await stockedVariant(10);
    const cartId = await cartWith([{ variantId: v.variantId, quantity: 2 }]);
    const answers = await Promise.all([1, 2, 3, 4].map(() => placeOrder(cartId)));
    const placed = answers.filter((a) => a.statusCode === 201);
    expect(placed).toHaveLength(1);
    for (const refused of answers.filter((a) => a.statusCode !== 201)) {
      expect([409, 422]).toContain(refused.statusCode);
      expect(['cart_already_ordered', 'cart_empty']).toContain(refused.json().code);
    }
    expect(await stockOf(v.variantId)).toEqual({ onHand: 10, reserved: 2 });
  });

  it('keeps a line added in another tab while the order was being placed', async () => {
    const a = await stockedVariant(5);
    const b = await stockedVariant(5);
    const c = await stockedVariant(5);
    const cartId = await cartWith([
      { variantId: a.variantId, quantity: 2 },
      { variantId: b.variantId, quantity: 1 },
    ]);
    const cart = ctx.store.services.cart;
    const ordered = await cart.document(anonymous, cartId);
    await cart.addItem(anonymous, cartId, { variantId: c.variantId, quantity: 1 });
    await cart.addItem(anonymous, cartId, { variantId: a.variantId, quantity: 1 });
    const orderId = randomUUID();
    await cart.removeOrdered(anonymous, cartId, {
      orderId,
      version: ordered.version,
      lines: ordered.items,
      discountCode: null,
    });
    const left = await cart.document(anonymous, cartId);
    expect(left.items.map((i) => [i.variantId, i.quantity])).toEqual([
      [a.variantId, 1],
      [c.variantId, 1],
    ]);
    // Done again (a replayed request finishing an interrupted job): nothing more is taken out, and
    // the cart is not even rewritten.
    await cart.removeOrdered(anonymous, cartId, {
      orderId,
      version: ordered.version,
      lines: ordered.items,
      discountCode: null,
    });
    const again = await cart.document(anonymous, cartId);
    expect(again.items).toHaveLength(2);
    expect(again.version).toBe(left.version);
  });

  it('lets only the holder of an idempotency claim store its answer, even after its lease', async () => {
    const idempotency = createIdempotency({ db: ctx.store.adapters.database.db, leaseSeconds: 1 });
    const key = randomUUID();
    const hash = requestHash('guest:test', { n: 1 });
    const first = await idempotency.claim('guest:test', key, hash);
    expect(first.kind).toBe('claimed');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await idempotency.claim('guest:test', key, hash);
    expect(second.kind).toBe('claimed');
    if (first.kind !== 'claimed' || second.kind !== 'claimed') throw new Error('unreachable');
    const db = ctx.store.adapters.database.db;
    const answer = { status: 201, body: { n: 1 }, orderId: null };
    await expect(
      db.transaction((tx) => idempotency.complete(tx, 'guest:test', key, first.holder, answer)),
    ).rejects.toMatchObject({ code: 'idempotency_key_in_use' });
    await idempotency.abandon('guest:test', key, first.holder);
    await db.transaction((tx) =>
      idempotency.complete(tx, 'guest:test', key, second.holder, answer),
    );
    const replay = await idempotency.claim('guest:test', key, hash);
    expect(replay).toEqual({ kind: 'replay', answer });
  });

  it('wants the state code where tax depends on it', async () => {
    const v = await stockedVariant(5);
    const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
    const named = await placeOrder(cartId, {
      shippingAddress: { ...kit.orderBody(cartId).shippingAddress, region: 'California' },
    });
    expect(named.statusCode).toBe(400);
    expect(named.json().errors).toEqual([
      expect.objectContaining({ path: 'body.shippingAddress.region' }),
    ]);
    const missing = await placeOrder(cartId, {
      shippingAddress: { ...kit.orderBody(cartId).shippingAddress, region: undefined },
    });
    expect(missing.statusCode).toBe(400);
    const lower = await placeOrder(cartId, {
      shippingAddress: { ...kit.orderBody(cartId).shippingAddress, region: 'us-ca', country: 'us' },
    });
    expect(lower.statusCode, lower.body).toBe(201);
    expect(lower.json()).toMatchObject({
      taxRate: 7.25,
      shippingAddress: { region: 'CA', country: 'US' },
    });
    // Elsewhere the region is free text.
    const abroad = await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 1 }]), {
      shippingAddress: {
        ...kit.orderBody(cartId).shippingAddress,
        region: 'Greater London',
        country: 'GB',
      },
    });
    expect(abroad.statusCode, abroad.body).toBe(201);
    expect(abroad.json()).toMatchObject({ taxRate: 20 });
  });

  it(`holds at most ${maxUnpaidOrders} unpaid orders per customer`, async () => {
    const v = await stockedVariant(20);
    const email = `hoarder-${randomUUID().slice(0, 8)}@example.com`;
    for (let i = 0; i < maxUnpaidOrders; i++) {
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      expect((await placeOrder(cartId, { email })).statusCode).toBe(201);
    }
    const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
    const refused = await placeOrder(cartId, { email: email.toUpperCase() });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'too_many_unpaid_orders' });
    expect(await stockOf(v.variantId)).toEqual({ onHand: 20, reserved: maxUnpaidOrders });
  });

  it('keeps the unpaid limit when a customer sends orders in parallel', async () => {
    const v = await stockedVariant(30);
    const email = `parallel-${randomUUID().slice(0, 8)}@example.com`;
    for (let i = 0; i < maxUnpaidOrders - 1; i++) {
      const cartId = await cartWith([{ variantId: v.variantId, quantity: 1 }]);
      expect((await placeOrder(cartId, { email })).statusCode).toBe(201);
    }
    const carts = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => cartWith([{ variantId: v.variantId, quantity: 1 }])),
    );
    const answers = await Promise.all(carts.map((cartId) => placeOrder(cartId, { email })));
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM orders WHERE lower(email) = ${email} AND status = 'pending_payment'`,
      ),
    ).toBe(maxUnpaidOrders);
  });

  it('tells a second click on an order that took the last units that it was ordered', async () => {
    const v = await stockedVariant(2);
    const cartId = await cartWith([{ variantId: v.variantId, quantity: 2 }]);
    const key = `cart:${cartId}`;
    const before = await ctx.store.adapters.cache.get(key);
    expect((await placeOrder(cartId)).statusCode).toBe(201);
    // As if the cart had not been emptied yet when the second click arrived.
    await ctx.store.adapters.cache.set(key, before as string, 60);
    const second = await placeOrder(cartId);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'cart_already_ordered' });
  });

  it('never deadlocks expiry with a checkout that holds the same variants in another order', async () => {
    const a = await stockedVariant(10);
    const b = await stockedVariant(10);
    const pending = async (variantId: string) =>
      (await placeOrder(await cartWith([{ variantId, quantity: 1 }]))).json() as PlacedOrder;
    const first = await pending(b.variantId);
    const second = await pending(a.variantId);
    const db = ctx.store.adapters.database.db;
    await db.execute(
      sql`UPDATE orders SET payment_due_at = now() - interval '2 minutes' WHERE id = ${first.id}::uuid`,
    );
    await db.execute(
      sql`UPDATE orders SET payment_due_at = now() - interval '1 minute' WHERE id = ${second.id}::uuid`,
    );
    const { inventory, orders } = ctx.store.services;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const shopper = inTransaction(db, anonymous, async (tx) => {
      await inventory.reserve(tx, [{ variantId: a.variantId, sku: a.sku, quantity: 1 }]);
      await pause(300);
      await inventory.reserve(tx, [{ variantId: b.variantId, sku: b.sku, quantity: 1 }]);
    });
    await pause(50);
    const [bought, expired] = await Promise.all([shopper, orders.expireDue(anonymous)]);
    expect(bought).toBeUndefined();
    expect(expired).toBeGreaterThanOrEqual(2);
    expect(await stockOf(a.variantId)).toEqual({ onHand: 10, reserved: 1 });
    expect(await stockOf(b.variantId)).toEqual({ onHand: 10, reserved: 1 });
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM orders WHERE id IN (${first.id}::uuid, ${second.id}::uuid) AND status = 'cancelled'`,
      ),
    ).toBe(2);
  });
});

describe('the order rate limit', () => {
  const kit = checkoutKit('embedded', { env: { ORDER_RATE_LIMIT: '2' } });

  it('answers 429 past ORDER_RATE_LIMIT orders a minute from one address', async () => {
    const v = await kit.stockedVariant(10);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cartId = await kit.cartWith([{ variantId: v.variantId, quantity: 1 }]);
      statuses.push((await kit.placeOrder(cartId)).statusCode);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });
});

describe.runIf(servicesConfigured)('retries of an order waiting on a busy stock row', () => {
  const kit = checkoutKit('services');

  it('poll without holding connections, so other shoppers are served meanwhile', async () => {
    const busy = await kit.stockedVariant(10);
    const other = await kit.stockedVariant(10);
    const db = kit.ctx.store.adapters.database.db;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Someone holds the busy variant's stock row for five seconds (an admin's long transaction).
    let released = false;
    const holding = db
      .transaction(async (tx) => {
        await tx.execute(
          sql`SELECT 1 FROM stock_levels WHERE variant_id = ${busy.variantId}::uuid FOR UPDATE`,
        );
        await pause(5_000);
      })
      .then(() => {
        released = true;
      });
    await pause(50);
    const cartId = await kit.cartWith([{ variantId: busy.variantId, quantity: 1 }]);
    const body = kit.orderBody(cartId);
    const key = randomUUID();
    const first = kit.post('/orders', body, { 'idempotency-key': key });
    await pause(200);
    const retries = [1, 2, 3, 4, 5].map(() =>
      kit.post('/orders', body, { 'idempotency-key': key }),
    );
    await pause(100);
    const unrelated = await kit.placeOrder(
      await kit.cartWith([{ variantId: other.variantId, quantity: 1 }]),
    );
    expect(unrelated.statusCode, unrelated.body).toBe(201);
    // Served while the busy row is still held: the six waiting requests left it a connection.
    expect(released).toBe(false);
    const answers = await Promise.all([first, ...retries]);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    await holding;
  });
});
