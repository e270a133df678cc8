import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { consumeOnce } from '../../platform/bus/consumer.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import type { CatalogService } from '../catalog/service.js';
import { sendEmail } from '../notifications/events.js';
import { inventoryUpdated } from './events.js';

export interface LowStockOptions {
  threshold: number;
  /** The store team's address; null: alerts are recorded and logged only. */
  alertTo: string | null;
}

/**
 * Low-stock alerts. A variant whose stock left to sell falls to the threshold is recorded in
 * `low_stock_alerts` and one email goes to the store team; it is not mentioned again until a change
 * brings it back above the threshold (which removes the record). In the inbox transaction, so a
 * redelivered `inventory_update` alerts nobody twice.
 */
export async function startInventoryConsumers(
  deps: { db: Db; bus: MessageBus; logger: Logger; catalog: CatalogService },
  options: LowStockOptions,
): Promise<Subscription[]> {
  return [
    await consumeOnce(deps, 'inventory-low-stock', [inventoryUpdated], async (ctx, { data }) => {
      const restocked = data.items.filter((i) => i.available > options.threshold);
      const low = data.items.filter((i) => i.available <= options.threshold);
      if (restocked.length > 0) {
        await ctx.tx.execute(
          sql`DELETE FROM low_stock_alerts WHERE variant_id IN (${sql.join(
            restocked.map((i) => sql`${i.variantId}::uuid`),
            sql`, `,
          )})`,
        );
      }
      if (low.length === 0) return;
      const newlyLow = await queryRows<{ variant_id: string; available: number }>(
        ctx.tx,
        sql`INSERT INTO low_stock_alerts (variant_id, available)
            SELECT v.id, l.available FROM variants v
            JOIN (VALUES ${sql.join(
              low.map((i) => sql`(${i.variantId}::uuid, ${i.available}::int)`),
              sql`, `,
            )}) AS l(variant_id, available) ON l.variant_id = v.id
            ON CONFLICT (variant_id) DO NOTHING
            RETURNING variant_id, available`,
      );
      if (newlyLow.length === 0) return;
      deps.logger.info({ variants: newlyLow.length }, 'low stock');
      if (!options.alertTo) return;
      const variants = await deps.catalog.saleVariants(
        ctx,
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
    }),
  ];
}
