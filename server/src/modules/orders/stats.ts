import { sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { ValidationFailed } from '../../platform/errors.js';

/** Orders that brought money in (whatever happened after). */
const sold = sql`o.status IN ('paid', 'fulfilled', 'delivered', 'partially_refunded', 'refunded')`;

interface StatsQuery {
  /** First day, inclusive (UTC). */
  from: string;
  /** Last day, inclusive (UTC). */
  to: string;
  lowStockThreshold: number;
}

/**
 * The store team's figures over a range of days (UTC): revenue, refunds, orders, average order
 * value and units per day (every day of the range, zeros included), the best-selling products, and
 * the variants running low. Money in minor units of the store's currency.
 */
async function storeStats(db: Queryable, query: StatsQuery) {
  const from = sql`${query.from}::date`;
  const toExclusive = sql`(${query.to}::date + 1)`;
  const days = await queryRows<{
    day: string;
    orders: number;
    revenue: number;
    refunded: number;
    units: number;
  }>(
    db,
    sql`WITH days AS (
          SELECT d::date AS day FROM generate_series(${from}, ${query.to}::date, interval '1 day') AS d
        ), sales AS (
          SELECT (o.created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS orders,
                 sum(o.total)::bigint AS revenue,
                 sum((SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id))::bigint AS units
          FROM orders o
          WHERE ${sold} AND o.created_at >= ${from} AND o.created_at < ${toExclusive}
          GROUP BY 1
        ), refunded AS (
          SELECT (r.created_at AT TIME ZONE 'UTC')::date AS day, sum(r.amount)::bigint AS refunded
          FROM refunds r
          WHERE r.status <> 'failed' AND r.created_at >= ${from} AND r.created_at < ${toExclusive}
          GROUP BY 1
        )
        SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(s.orders, 0) AS orders,
               coalesce(s.revenue, 0)::int AS revenue, coalesce(f.refunded, 0)::int AS refunded,
               coalesce(s.units, 0)::int AS units
        FROM days d LEFT JOIN sales s ON s.day = d.day LEFT JOIN refunded f ON f.day = d.day
        ORDER BY d.day`,
  );
  const topProducts = await queryRows<{
    slug: string;
    name: string;
    units: number;
    revenue: number;
  }>(
    db,
    sql`SELECT l.product_slug AS slug, min(l.name) AS name, sum(l.quantity)::int AS units,
               sum(l.line_total)::int AS revenue
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE ${sold} AND o.created_at >= ${from} AND o.created_at < ${toExclusive}
        GROUP BY l.product_slug ORDER BY units DESC, revenue DESC, slug LIMIT 10`,
  );
  const lowStock = await queryRows<{
    variant_id: string;
    sku: string;
    product_slug: string;
    name: string;
    on_hand: number;
    reserved: number;
  }>(
    db,
    sql`SELECT v.id AS variant_id, v.sku, p.slug AS product_slug, p.name, s.on_hand, s.reserved
        FROM stock_levels s JOIN variants v ON v.id = s.variant_id JOIN products p ON p.id = v.product_id
        WHERE p.status = 'active' AND s.on_hand - s.reserved <= ${query.lowStockThreshold}
        ORDER BY s.on_hand - s.reserved, s.updated_at DESC, v.sku LIMIT 50`,
  );
  const totals = days.reduce(
    (sum, d) => ({
      orders: sum.orders + d.orders,
      revenue: sum.revenue + d.revenue,
      refunded: sum.refunded + d.refunded,
      units: sum.units + d.units,
    }),
    { orders: 0, revenue: 0, refunded: 0, units: 0 },
  );
  const [currency] = await queryRows<{ currency: string }>(
    db,
    sql`SELECT currency FROM orders ORDER BY created_at DESC LIMIT 1`,
  );
  const average = (revenue: number, orders: number) =>
    orders > 0 ? Math.round(revenue / orders) : 0;
  return {
    from: query.from,
    to: query.to,
    currency: currency?.currency.trim() ?? 'USD',
    totals: { ...totals, averageOrderValue: average(totals.revenue, totals.orders) },
    days: days.map((d) => ({ ...d, averageOrderValue: average(d.revenue, d.orders) })),
    topProducts,
    lowStock: lowStock.map((v) => ({
      variantId: v.variant_id,
      sku: v.sku,
      productSlug: v.product_slug,
      name: v.name,
      onHand: v.on_hand,
      reserved: v.reserved,
      available: v.on_hand - v.reserved,
    })),
    lowStockThreshold: query.lowStockThreshold,
  };
}

const dayMs = 86_400_000;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
const dayCount = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs + 1;

/**
 * The store team's figures. The range's rules live here: days are UTC and inclusive, the default is
 * the 30 days up to today, and a range runs forwards and spans at most 366 days.
 */
export function createStoreStats(deps: { db: Db; lowStockThreshold: number }) {
  return {
    async figures(ctx: Context, range: { from?: string | undefined; to?: string | undefined }) {
      const to = range.to ?? dayOf(Date.now());
      const from = range.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 29 * dayMs);
      const span = dayCount(from, to);
      if (span < 1 || span > 366) {
        throw new ValidationFailed(
          [
            {
              path: 'querystring.from',
              message: 'must be on or before `to`, at most 366 days before it',
            },
          ],
          'The range of days is not valid.',
        );
      }
      return storeStats(ctx.tx ?? deps.db, {
        from,
        to,
        lowStockThreshold: deps.lowStockThreshold,
      });
    },
  };
}

export type StoreStats = ReturnType<typeof createStoreStats>;
