import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import { HttpProblem, notFound } from '../../platform/http/problem.js';
import { stockLevels } from './tables.js';

/** Stock levels per variant. Reservation and commit arrive with checkout; here: levels and changes. */

export async function initialiseStock(
  tx: Queryable,
  levels: { variantId: string; onHand: number }[],
): Promise<void> {
  if (levels.length === 0) return;
  await tx
    .insert(stockLevels)
    .values(levels.map((l) => ({ variantId: l.variantId, onHand: l.onHand })));
}

export interface InventoryServiceDeps {
  db: Db;
  /** Called after a change committed, so this process's catalog cache reflects it at once. */
  onStockChanged?: () => Promise<void>;
}

export function createInventoryService(deps: InventoryServiceDeps) {
  return {
    /**
     * Set the units on hand of a variant. Never below what is reserved for unpaid orders: that would
     * sell stock twice. The change and its `inventory_update` event commit together.
     */
    async setOnHand(
      variantId: string,
      onHand: number,
    ): Promise<{ onHand: number; reserved: number }> {
      const level = await deps.db.transaction(async (tx) => {
        const [row] = await queryRows<{ on_hand: number; reserved: number }>(
          tx,
          sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId}::uuid FOR UPDATE`,
        );
        if (!row) throw notFound('No such variant.');
        if (onHand < row.reserved) {
          throw new HttpProblem(
            409,
            'below_reserved',
            'Conflict',
            `${row.reserved} units are reserved by open orders; on hand cannot go below that.`,
          );
        }
        await tx.execute(
          sql`UPDATE stock_levels SET on_hand = ${onHand}, updated_at = now() WHERE variant_id = ${variantId}::uuid`,
        );
        await writeEvent(tx, 'inventory_update', {
          variantId,
          onHand,
          reserved: row.reserved,
          available: onHand - row.reserved,
          reason: 'adjustment',
        });
        return { onHand, reserved: row.reserved };
      });
      await deps.onStockChanged?.();
      return level;
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
