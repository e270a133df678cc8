import { sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/record.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import {
  afterCommit,
  inTransaction,
  type Context,
  type TxContext,
} from '../../platform/context.js';
import { queryRows, type Db, type Queryable, type Tx } from '../../platform/db/index.js';
import { Conflict, InsufficientStock, NotFound, type ShortLine } from '../../platform/errors.js';
import { inventoryUpdated } from './events.js';
import { stockLevels } from './tables.js';
import type { Row } from '../../platform/db/rows.js';

/**
 * Stock per variant: `on_hand` units in the warehouse, `reserved` of them held by unpaid orders.
 * Units that can still be bought are `on_hand - reserved`; a CHECK keeps `0 <= reserved <= on_hand`,
 * the last line of defence against overselling. Every change writes `inventory_update` in the same
 * transaction and retires the catalog's cached pages once it has committed.
 */

export async function initialiseStock(
  tx: Queryable,
  levels: { variantId: string; onHand: number }[],
): Promise<void> {
  if (levels.length === 0) return;
  await tx
    .insert(stockLevels)
    .values(levels.map((l) => ({ variantId: l.variantId, onHand: l.onHand })));
}

/**
 * The stock of existing variants, for a bulk change that must check each new level against what
 * is reserved (a catalog import) before writing anything; with `lock`, the rows stay locked until
 * the caller's transaction ends, so the check still holds when it writes.
 */
export async function stockLevelsOf(
  tx: Queryable,
  variantIds: string[],
  options: { lock: boolean },
): Promise<Map<string, { onHand: number; reserved: number }>> {
  const levels = new Map<string, { onHand: number; reserved: number }>();
  for (let i = 0; i < variantIds.length; i += 5000) {
    const part = variantIds.slice(i, i + 5000);
    const rows = await queryRows<LevelRow>(
      tx,
      sql`SELECT ${levelColumns} FROM stock_levels
          WHERE variant_id IN (${sql.join(
            part.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})
          ORDER BY variant_id ${options.lock ? sql`FOR UPDATE` : sql``}`,
    );
    for (const row of rows)
      levels.set(row.variant_id, { onHand: row.on_hand, reserved: row.reserved });
  }
  return levels;
}

/**
 * Set the units on hand of many existing variants in the caller's transaction (a catalog import),
 * keeping their reservations, and announce the changed levels with `inventory_update` (reason
 * `adjusted`, a thousand variants an event). Callers check the levels against what is reserved
 * under `stockLevelsOf(..., { lock: true })` first; the table's CHECK is the backstop.
 */
export async function setStockLevels(
  tx: Tx,
  levels: { variantId: string; onHand: number }[],
): Promise<StockLevel[]> {
  const changed: StockLevel[] = [];
  for (let i = 0; i < levels.length; i += 1000) {
    const part = levels.slice(i, i + 1000);
    // `before` is the same row as the statement found it (the caller holds its lock): what could
    // be bought before the change, which RETURNING alone cannot give.
    const rows = await queryRows<LevelRow>(
      tx,
      sql`UPDATE stock_levels s SET on_hand = l.on_hand, updated_at = now()
          FROM (VALUES ${sql.join(
            part.map((l) => sql`(${l.variantId}::uuid, ${l.onHand}::int)`),
            sql`, `,
          )}) AS l(variant_id, on_hand), stock_levels before
          WHERE s.variant_id = l.variant_id AND before.variant_id = s.variant_id
            AND s.on_hand <> l.on_hand
          RETURNING s.variant_id, s.on_hand, s.reserved,
                    before.on_hand - before.reserved AS previous_available`,
    );
    if (rows.length === 0) continue;
    await writeEvent(tx, inventoryUpdated, { reason: 'adjusted', items: rows.map(toEventItem) });
    changed.push(...rows.map(toLevel));
  }
  return changed;
}

export interface StockLine {
  variantId: string;
  sku: string;
  quantity: number;
}

export interface StockLevel {
  variantId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface InventoryServiceDeps {
  db: Db;
}

type LevelRow = Row<typeof stockLevels, 'variant_id' | 'on_hand' | 'reserved'> & {
  /** Units that could be bought before the change that returned this row (an expression). */
  previous_available?: number;
};

/** What a read of a level selects: the columns of `LevelRow`, named through the table. */
const levelColumns = sql`${stockLevels.variantId}, ${stockLevels.onHand}, ${stockLevels.reserved}`;

const toLevel = (row: LevelRow): StockLevel => ({
  variantId: row.variant_id,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
});

const toEventItem = (row: LevelRow) => ({
  ...toLevel(row),
  ...(row.previous_available === undefined ? {} : { previousAvailable: row.previous_available }),
});

/** Lines merged per variant and sorted by id: every transaction locks rows in one order, so none deadlock. */
function inLockOrder(lines: StockLine[]): StockLine[] {
  const merged = new Map<string, StockLine>();
  for (const line of lines) {
    const seen = merged.get(line.variantId);
    merged.set(line.variantId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : line);
  }
  return [...merged.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
}

export function createInventoryService(deps: InventoryServiceDeps) {
  const { db } = deps;
  const stockChangeListeners: (() => Promise<void>)[] = [];

  async function announce(
    ctx: TxContext,
    reason: 'reserved' | 'released' | 'committed' | 'restocked' | 'adjusted',
    rows: LevelRow[],
    orderId?: string,
  ) {
    if (rows.length === 0) return;
    await writeEvent(ctx.tx, inventoryUpdated, {
      reason,
      ...(orderId ? { orderId } : {}),
      items: rows.map(toEventItem),
    });
    if (stockChangeListeners.length > 0)
      await afterCommit(ctx, async () => {
        for (const listener of stockChangeListeners) await listener();
      });
  }

  return {
    /**
     * Run `listener` after each stock change in this process has committed: the catalog, which
     * comes after inventory, retires its cached pages at once (other processes by the event).
     */
    onStockChanged(listener: () => Promise<void>): void {
      stockChangeListeners.push(listener);
    },

    /** Current levels of some variants (missing variants are left out). */
    async levels(ctx: Context, variantIds: string[]): Promise<Map<string, StockLevel>> {
      if (variantIds.length === 0) return new Map();
      const rows = await queryRows<LevelRow>(
        ctx.tx ?? db,
        sql`SELECT ${levelColumns} FROM stock_levels
            WHERE variant_id IN (${sql.join(
              variantIds.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`,
      );
      return new Map(rows.map((row) => [row.variant_id, toLevel(row)]));
    },

    /**
     * Hold units for an order: one conditional update per variant, in a fixed order. A line that
     * falls short reserves nothing; every short line is reported together and, because the error
     * rolls the caller's transaction back, the lines that did fit are released with it.
     */
    async reserve(ctx: TxContext, lines: StockLine[], orderId?: string): Promise<void> {
      const short: ShortLine[] = [];
      const changed: LevelRow[] = [];
      for (const line of inLockOrder(lines)) {
        const [row] = await queryRows<LevelRow>(
          ctx.tx,
          sql`UPDATE stock_levels SET reserved = reserved + ${line.quantity}, updated_at = now()
              WHERE variant_id = ${line.variantId}::uuid AND on_hand - reserved >= ${line.quantity}
              RETURNING variant_id, on_hand, reserved,
                        on_hand - reserved + ${line.quantity}::int AS previous_available`,
        );
        if (row) {
          changed.push(row);
          continue;
        }
        const [level] = await queryRows<LevelRow>(
          ctx.tx,
          sql`SELECT ${levelColumns} FROM stock_levels WHERE variant_id = ${line.variantId}::uuid`,
        );
        short.push({
          variantId: line.variantId,
          sku: line.sku,
          requested: line.quantity,
          available: level ? Math.max(0, level.on_hand - level.reserved) : 0,
        });
      }
      if (short.length > 0) throw new InsufficientStock(short);
      await announce(ctx, 'reserved', changed, orderId);
    },

    /** Give back what an order held (cancelled or expired before payment). */
    async release(ctx: TxContext, lines: StockLine[], orderId?: string): Promise<void> {
      const changed: LevelRow[] = [];
      for (const line of inLockOrder(lines)) {
        const [row] = await queryRows<LevelRow>(
          ctx.tx,
          sql`UPDATE stock_levels SET reserved = reserved - ${line.quantity}, updated_at = now()
              WHERE variant_id = ${line.variantId}::uuid
              RETURNING variant_id, on_hand, reserved,
                        on_hand - reserved - ${line.quantity}::int AS previous_available`,
        );
        if (row) changed.push(row);
      }
      await announce(ctx, 'released', changed, orderId);
    },

    /** A paid order's units leave the warehouse: on hand and reserved both fall. */
    async commit(ctx: TxContext, lines: StockLine[], orderId?: string): Promise<void> {
      const changed: LevelRow[] = [];
      for (const line of inLockOrder(lines)) {
        const [row] = await queryRows<LevelRow>(
          ctx.tx,
          sql`UPDATE stock_levels
              SET on_hand = on_hand - ${line.quantity}, reserved = reserved - ${line.quantity}, updated_at = now()
              WHERE variant_id = ${line.variantId}::uuid
              RETURNING variant_id, on_hand, reserved, on_hand - reserved AS previous_available`,
        );
        if (row) changed.push(row);
      }
      await announce(ctx, 'committed', changed, orderId);
    },

    /** Units of a paid order that was cancelled go back on the shelf. */
    async restock(ctx: TxContext, lines: StockLine[], orderId?: string): Promise<void> {
      const changed: LevelRow[] = [];
      for (const line of inLockOrder(lines)) {
        const [row] = await queryRows<LevelRow>(
          ctx.tx,
          sql`UPDATE stock_levels SET on_hand = on_hand + ${line.quantity}, updated_at = now()
              WHERE variant_id = ${line.variantId}::uuid
              RETURNING variant_id, on_hand, reserved,
                        on_hand - reserved - ${line.quantity}::int AS previous_available`,
        );
        if (row) changed.push(row);
      }
      await announce(ctx, 'restocked', changed, orderId);
    },

    /**
     * Set the units on hand of a variant. Never below what is reserved for unpaid orders: that would
     * sell stock twice.
     */
    setOnHand(ctx: Context, variantId: string, onHand: number): Promise<StockLevel> {
      return inTransaction(db, ctx, async (tx) => {
        const [row] = await queryRows<LevelRow>(
          tx.tx,
          sql`SELECT ${levelColumns} FROM stock_levels WHERE variant_id = ${variantId}::uuid FOR UPDATE`,
        );
        if (!row) throw new NotFound('No such variant.');
        if (onHand < row.reserved) {
          throw new Conflict(
            'below_reserved',
            `${row.reserved} units are reserved by open orders; on hand cannot go below that.`,
            { reserved: row.reserved },
          );
        }
        const [updated] = await queryRows<LevelRow>(
          tx.tx,
          sql`UPDATE stock_levels SET on_hand = ${onHand}, updated_at = now()
              WHERE variant_id = ${variantId}::uuid RETURNING variant_id, on_hand, reserved`,
        );
        await announce(
          tx,
          'adjusted',
          updated ? [{ ...updated, previous_available: row.on_hand - row.reserved }] : [],
        );
        await recordAudit(tx, {
          action: 'inventory.set',
          target: `variant:${variantId}`,
          before: { onHand: row.on_hand, reserved: row.reserved },
          after: { onHand, reserved: row.reserved },
        });
        return toLevel(updated ?? row);
      });
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
