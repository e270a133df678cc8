import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, openTestAdapters } from '../../../test/harness.js';
import { migrateBefore } from '../../../test/migrations.js';

/**
 * Before migration 0021 a refund counted on its payment as soon as it was asked for; since, only
 * once the provider has made it. A refund still pending at the upgrade must not be counted twice
 * (once by the old rule, again when it settles), nor hold its amount twice against what is left.
 */
describeEachBackend('the upgrade of pending refunds on %s backends', (backend) => {
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;
  const payments = { partly: randomUUID(), wholly: randomUUID(), settled: randomUUID() };

  beforeAll(async () => {
    adapters = await openTestAdapters(backend);
    await migrateBefore(adapters.database, '0021_refund_failures');
    const db = adapters.database.db;
    // Three paid orders of 100.00 as the old rule left them: 30.00 asked for and still pending;
    // the whole of it asked for in two refunds, one pending; 20.00 refunded and made.
    const rows = [
      {
        payment: payments.partly,
        status: 'partially_refunded',
        refunded: 3000,
        refunds: [[3000, 'pending']],
      },
      {
        payment: payments.wholly,
        status: 'refunded',
        refunded: 10000,
        refunds: [
          [4000, 'succeeded'],
          [6000, 'pending'],
        ],
      },
      {
        payment: payments.settled,
        status: 'partially_refunded',
        refunded: 2000,
        refunds: [[2000, 'succeeded']],
      },
    ] as const;
    for (const [i, row] of rows.entries()) {
      const orderId = randomUUID();
      await db.execute(
        sql`INSERT INTO orders (id, number, email, status, currency, subtotal, discount, shipping, tax, total,
                                shipping_method_id, shipping_method_name, tax_rate_bp, shipping_address, payment_due_at)
            VALUES (${orderId}::uuid, ${`SO-UPG-${i}`}, 'buyer@example.com', ${row.status}, 'USD', 10000, 0, 0, 0, 10000,
                    'standard', 'Standard', 0, '{}'::jsonb, now())`,
      );
      await db.execute(
        sql`INSERT INTO payments (id, order_id, provider, status, amount, currency, amount_refunded)
            VALUES (${row.payment}::uuid, ${orderId}::uuid, 'local', ${row.status}, 10000, 'USD', ${row.refunded})`,
      );
      for (const [amount, status] of row.refunds) {
        await db.execute(
          sql`INSERT INTO refunds (id, order_id, payment_id, amount, currency, status, reason)
              VALUES (${randomUUID()}::uuid, ${orderId}::uuid, ${row.payment}::uuid, ${amount}, 'USD', ${status}, 'admin')`,
        );
      }
    }
    await adapters.database.migrate();
  });
  afterAll(() => adapters?.dispose());

  const paymentOf = async (id: string) =>
    (
      await queryRows<{ status: string; amount_refunded: number }>(
        adapters.database.db,
        sql`SELECT status, amount_refunded FROM payments WHERE id = ${id}::uuid`,
      )
    )[0];

  it('gives a pending refund’s amount back to its payment, to be counted when it is made', async () => {
    expect(await paymentOf(payments.partly)).toEqual({ status: 'succeeded', amount_refunded: 0 });
    expect(await paymentOf(payments.wholly)).toEqual({
      status: 'partially_refunded',
      amount_refunded: 4000,
    });
  });

  it('leaves refunds already made as they were', async () => {
    expect(await paymentOf(payments.settled)).toEqual({
      status: 'partially_refunded',
      amount_refunded: 2000,
    });
  });
});
