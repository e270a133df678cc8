import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../../platform/db/index.js';
import { shownOrder, smallestJpeg } from '../media/image-queries.js';

/**
 * What a cart or an order needs to know of a variant: its live price, whether it may be sold, and how
 * many units can still be bought. Read inside the caller's transaction when there is one, so an
 * order is priced from the same snapshot it reserves against.
 */
export interface SaleVariant {
  variantId: string;
  sku: string;
  productId: string;
  productSlug: string;
  name: string;
  size: string;
  color: string;
  unitPrice: number;
  compareAtPrice: number | null;
  currency: string;
  /** False for an archived product: it can no longer be added or bought. */
  purchasable: boolean;
  available: number;
  image: { url: string; alt: string } | null;
}

interface SaleRow {
  variant_id: string;
  sku: string;
  product_id: string;
  product_slug: string;
  name: string;
  size: string;
  color: string;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  status: string;
  available: number;
  image_url: string | null;
  image_alt: string | null;
}

export async function findSaleVariants(
  db: Queryable,
  variantIds: string[],
): Promise<Map<string, SaleVariant>> {
  const ids = [...new Set(variantIds)];
  if (ids.length === 0) return new Map();
  const rows = await queryRows<SaleRow>(
    db,
    sql`
    SELECT v.id AS variant_id, v.sku, p.id AS product_id, p.slug AS product_slug, p.name, v.size, v.color,
           v.price_amount, v.compare_at_amount, p.currency, p.status,
           GREATEST(COALESCE(s.on_hand - s.reserved, 0), 0)::int AS available,
           img.url AS image_url, img.alt AS image_alt
    FROM variants v
    JOIN products p ON p.id = v.product_id
    LEFT JOIN stock_levels s ON s.variant_id = v.id
    LEFT JOIN LATERAL (
      SELECT ${smallestJpeg('i')} AS url, i.alt FROM product_images i
      WHERE i.product_id = p.id
      ORDER BY i.color = v.color DESC, i.color = p.colors[1] DESC, ${shownOrder('i')} LIMIT 1
    ) img ON true
    WHERE v.id IN (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  );
  return new Map(
    rows.map((row) => [
      row.variant_id,
      {
        variantId: row.variant_id,
        sku: row.sku,
        productId: row.product_id,
        productSlug: row.product_slug,
        name: row.name,
        size: row.size,
        color: row.color,
        unitPrice: row.price_amount,
        compareAtPrice: row.compare_at_amount,
        currency: row.currency,
        purchasable: row.status === 'active',
        available: row.available,
        image: row.image_url ? { url: row.image_url, alt: row.image_alt ?? row.name } : null,
      },
    ]),
  );
}
