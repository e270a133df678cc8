import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { writeEvent } from '../../platform/bus/outbox.js';
import { anonymous, inTransaction, type TxContext } from '../../platform/context.js';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import { checkoutKit } from '../../../test/kits/checkout.js';
import { inventoryUpdated } from './events.js';
import { setStockLevels, stockLevelsOf } from './service.js';

const team = 'stock-team@stride.test';

/** Low-stock alerts: one email when a variant falls to the threshold, again only after a restock. */
describeEachBackend('low-stock alerts (%s)', (backend) => {
  const kit = checkoutKit(backend, {
    worker: true,
    env: { LOW_STOCK_ALERT_EMAIL: team, LOW_STOCK_THRESHOLD: '3' },
  });

  const alerts = async (sku: string) => {
    const list = await kit.get(
      `/admin/notifications?to=${encodeURIComponent(team)}&limit=100`,
      kit.admin(),
    );
    expect(list.statusCode, list.body).toBe(200);
    const items = (list.json() as { items: { template: string; subject: string }[] }).items;
    return items.filter((n) => n.template === 'low_stock' && n.subject.includes(sku));
  };
  const setOnHand = async (variantId: string, onHand: number) => {
    const response = await kit.request(
      'PATCH',
      `/admin/variants/${variantId}/inventory`,
      { onHand },
      kit.admin(),
    );
    expect(response.statusCode, response.body).toBe(200);
  };

  it('tells the store team once when a variant runs low, and again after a restock', async () => {
    const variant = await kit.stockedVariant(10);
    // An order takes it from 10 to 2 left to sell: below the threshold of 3.
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 8 }]);
    expect((await kit.placeOrder(cartId)).statusCode).toBe(201);
    await eventually(async () => (await alerts(variant.sku)).length === 1);

    // Lower still: no second alert.
    await setOnHand(variant.variantId, 9);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await alerts(variant.sku)).toHaveLength(1);

    // Restocked above the threshold, then low again: a second alert.
    // Changes made in the same moment may be handled side by side, in either order: the fall is
    // told of all the same (a test below hands them over the other way round).
    await setOnHand(variant.variantId, 50);
    await setOnHand(variant.variantId, 11);
    await eventually(async () => (await alerts(variant.sku)).length === 2);
  });

  it('says nothing while stock stays above the threshold', async () => {
    const variant = await kit.stockedVariant(10);
    await setOnHand(variant.variantId, 4);
    await setOnHand(variant.variantId, 20);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await alerts(variant.sku)).toHaveLength(0);
  });

  const db = () => kit.ctx.store.adapters.database.db;
  const inventory = () => kit.ctx.store.services.inventory;
  /** Once the low-stock consumer has handled the event `id`. */
  const handled = (id: string) =>
    eventually(async () => {
      const rows = await queryRows(
        db(),
        sql`SELECT 1 FROM inbox WHERE consumer = 'inventory-low-stock' AND message_id = ${id}::uuid`,
      );
      return rows.length === 1;
    });

  it('says in each change what could be bought before it', async () => {
    const v = await kit.stockedVariant(10);
    const line = [{ variantId: v.variantId, sku: v.sku, quantity: 0 }];
    const lines = (quantity: number) => line.map((l) => ({ ...l, quantity }));
    const inTx = (work: (ctx: TxContext) => Promise<unknown>) =>
      inTransaction(db(), anonymous, work);
    // Each step's own events, read after it: events written within the same millisecond have no
    // order in the outbox to go by.
    const seen = new Set<string>();
    const newEvents = async () => {
      const rows = await queryRows<{ id: string; payload: unknown }>(
        db(),
        sql`SELECT id, payload FROM outbox WHERE type = 'inventory_update'
              AND payload->'items' @> ${JSON.stringify([{ variantId: v.variantId }])}::jsonb`,
      );
      const fresh = rows.filter((row) => !seen.has(row.id));
      for (const row of fresh) seen.add(row.id);
      return fresh.map((row) => row.payload);
    };
    await newEvents(); // the store team stocking it, before the changes under test
    const events: unknown[] = [];
    const step = async (work: () => Promise<unknown>) => {
      await work();
      events.push(...(await newEvents()));
    };
    await step(() => inTx((ctx) => inventory().reserve(ctx, lines(3))));
    await step(() => inTx((ctx) => inventory().release(ctx, lines(1))));
    await step(() => inTx((ctx) => inventory().commit(ctx, lines(2))));
    await step(() => inTx((ctx) => inventory().restock(ctx, lines(1))));
    await step(() => inventory().setOnHand(anonymous, v.variantId, 4));
    // As the catalog import does it: its rows locked first.
    await step(() =>
      inTx(async ({ tx }) => {
        await stockLevelsOf(tx, [v.variantId], { lock: true });
        await setStockLevels(tx, [{ variantId: v.variantId, onHand: 6 }]);
      }),
    );
    const item = (onHand: number, reserved: number, previousAvailable: number) => [
      { variantId: v.variantId, onHand, reserved, available: onHand - reserved, previousAvailable },
    ];
    expect(events).toEqual([
      { reason: 'reserved', items: item(10, 3, 10) },
      { reason: 'released', items: item(10, 2, 7) },
      { reason: 'committed', items: item(8, 0, 8) },
      { reason: 'restocked', items: item(9, 0, 8) },
      { reason: 'adjusted', items: item(4, 0, 9) },
      { reason: 'adjusted', items: item(6, 0, 4) },
    ]);
  });

  it('tells of a fall even when the restock before it is handled after it', async () => {
    const variant = await kit.stockedVariant(10);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 8 }]);
    expect((await kit.placeOrder(cartId)).statusCode).toBe(201);
    await eventually(async () => (await alerts(variant.sku)).length === 1);
    // Restocked to 50, then sold down to 3 left: the two events handled the other way round.
    const announce = (onHand: number, previousAvailable: number) =>
      db().transaction((tx) =>
        writeEvent(tx, inventoryUpdated, {
          reason: 'adjusted',
          items: [
            {
              variantId: variant.variantId,
              onHand,
              reserved: 8,
              available: onHand - 8,
              previousAvailable,
            },
          ],
        }),
      );
    await handled(await announce(11, 42));
    await handled(await announce(50, 2));
    await eventually(async () => (await alerts(variant.sku)).length === 2);
  });
});
