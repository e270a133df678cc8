import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { consume } from '../../platform/bus/consumer.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import { sendEmail } from '../../platform/email-request.js';
import { inventoryUpdated } from './events.js';
import type { lowStockAlerts } from './tables.js';

export interface LowStockOptions {
  threshold: number;
  /** The store team's address; null: alerts are recorded and logged only. */
  alertTo: string | null;
}

type StockItem = z.infer<typeof inventoryUpdated.schema>['items'][number];

/** What the store team's email says of each variant low on stock. */
async function variantNames(tx: Queryable, variantIds: string[]) {
  const rows = await queryRows<{
    variant_id: string;
    sku: string;
    name: string;
    size: string;
    color: string;
  }>(
    tx,
    sql`SELECT v.id AS variant_id, v.sku, p.name, v.size, v.color
        FROM variants v JOIN products p ON p.id = v.product_id
        WHERE v.id IN (${sql.join(
          variantIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  return new Map(rows.map((row) => [row.variant_id, row]));
}

/**
 * Low-stock alerts. A variant whose stock left to sell falls to the threshold is recorded in
 * `low_stock_alerts` and one email goes to the store team; it is not mentioned again until a change
 * brings it back above the threshold (which removes the record). In the inbox transaction, so a
 * redelivered `inventory_update` alerts nobody twice.
 *
 * Changes to one variant may be handled side by side, so in either order. A change that itself
 * takes stock from above the threshold to it (the event says what could be bought before) is
 * always news: a restock handled after the fall that followed it cannot swallow the fall's alert.
 * Handled in that order the restock does clear the record, so the variant's next change while it
 * is still low tells the team again: once too often rather than never.
 */
export async function startInventoryConsumers(
  deps: { db: Db; bus: MessageBus; logger: Logger },
  options: LowStockOptions,
): Promise<Subscription[]> {
  const { threshold } = options;
  return [
    await consume(
      deps.bus,
      { name: 'inventory-low-stock', events: [inventoryUpdated], inbox: deps.db },
      async ({ ctx, data }) => {
        const restocked = data.items.filter((i) => i.available > threshold);
        const low = data.items.filter((i) => i.available <= threshold);
        if (restocked.length > 0) {
          await ctx.tx.execute(
            sql`DELETE FROM low_stock_alerts WHERE variant_id IN (${sql.join(
              restocked.map((i) => sql`${i.variantId}::uuid`),
              sql`, `,
            )})`,
          );
        }
        // Those that fell to the threshold with this change are told of even if a record is there
        // (`again`); those low before it only if there is none yet.
        const fell = low.filter(
          (i) => i.previousAvailable !== undefined && i.previousAvailable > threshold,
        );
        const stillLow = low.filter((i) => !fell.includes(i));
        const record = async (items: StockItem[], again: boolean) =>
          items.length === 0
            ? []
            : queryRows<Row<typeof lowStockAlerts, 'variant_id' | 'available'>>(
                ctx.tx,
                sql`INSERT INTO low_stock_alerts (variant_id, available)
                  SELECT v.id, l.available FROM variants v
                  JOIN (VALUES ${sql.join(
                    items.map((i) => sql`(${i.variantId}::uuid, ${i.available}::int)`),
                    sql`, `,
                  )}) AS l(variant_id, available) ON l.variant_id = v.id
                  ON CONFLICT (variant_id) ${
                    again
                      ? sql`DO UPDATE SET available = EXCLUDED.available, alerted_at = now()`
                      : sql`DO NOTHING`
                  }
                  RETURNING variant_id, available`,
              );
        const newlyLow = [...(await record(fell, true)), ...(await record(stillLow, false))];
        if (newlyLow.length === 0) return;
        deps.logger.info({ variants: newlyLow.length }, 'low stock');
        if (!options.alertTo) return;
        const variants = await variantNames(
          ctx.tx,
          newlyLow.map((row) => row.variant_id),
        );
        const items = newlyLow.flatMap((row) => {
          const variant = variants.get(row.variant_id);
          return variant
            ? [
                {
                  sku: variant.sku,
                  name: variant.name,
                  details: `${variant.size} / ${variant.color}`,
                  available: row.available,
                },
              ]
            : [];
        });
        if (items.length === 0) return;
        await writeEvent(ctx.tx, sendEmail, {
          to: options.alertTo,
          template: 'low_stock',
          data: { items, threshold: options.threshold },
        });
      },
    ),
  ];
}
