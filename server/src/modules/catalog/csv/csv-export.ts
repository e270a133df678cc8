import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { queryRows, type Db } from '../../../platform/db/index.js';
import { currencyDigits, decimalText } from '../../../platform/money.js';
import { catalogCsvColumns, neutraliseCell, type CatalogCsvColumn } from './csv-format.js';

/**
 * Every product's variants as the catalog CSV, archived products included, in product creation
 * order. Streamed a page of products at a time (keyset by id), so a large catalog costs one
 * page of memory and the first bytes leave at once. Each page is read on its own: a change made
 * while a long export runs shows in the pages read after it. A product without variants has no
 * row to show and is left out.
 */

const pageSize = 200;

interface ExportProduct {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: string;
  category_slug: string;
  status: string;
  currency: string;
}

interface ExportVariant {
  product_id: string;
  sku: string;
  size: string;
  color: string;
  price_amount: number;
  compare_at_amount: number | null;
  on_hand: number;
}

/** RFC 4180 (CRLF, quotes doubled); a cell with a lone CR is quoted too, so no reader splits it. */
const csvLines = (records: string[][]) =>
  stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

async function* catalogCsvChunks(db: Db): AsyncGenerator<string> {
  yield csvLines([[...catalogCsvColumns]]);
  const digits = new Map<string, number>();
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await queryRows<ExportProduct>(
      db,
      sql`SELECT p.id, p.slug, p.name, p.description, p.gender, c.slug AS category_slug,
                 p.status, p.currency
          FROM products p JOIN categories c ON c.id = p.category_id
          WHERE p.id > ${after}::uuid ORDER BY p.id LIMIT ${pageSize}`,
    );
    if (page.length === 0) return;
    after = page[page.length - 1]?.id ?? after;
    const rows = await queryRows<ExportVariant>(
      db,
      sql`SELECT v.product_id, v.sku, v.size, v.color, v.price_amount, v.compare_at_amount,
                 COALESCE(s.on_hand, 0)::int AS on_hand
          FROM variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
          WHERE v.product_id IN (${sql.join(
            page.map((p) => sql`${p.id}::uuid`),
            sql`, `,
          )})
          ORDER BY v.product_id, v.position, v.id`,
    );
    const byId = new Map(page.map((p) => [p.id, p]));
    const records = rows.flatMap((variant) => {
      const product = byId.get(variant.product_id);
      if (!product) return [];
      const currency = product.currency.trim();
      let places = digits.get(currency);
      if (places === undefined) digits.set(currency, (places = currencyDigits(currency)));
      const cells: Record<CatalogCsvColumn, string> = {
        product_slug: product.slug,
        product_name: product.name,
        description: product.description,
        gender: product.gender,
        category_slug: product.category_slug,
        status: product.status,
        color: variant.color,
        size: variant.size,
        sku: variant.sku,
        price: decimalText(variant.price_amount, places),
        compare_at_price:
          variant.compare_at_amount === null ? '' : decimalText(variant.compare_at_amount, places),
        on_hand: String(variant.on_hand),
      };
      return [catalogCsvColumns.map((column) => neutraliseCell(cells[column]))];
    });
    if (records.length > 0) yield csvLines(records);
  }
}

/** The catalog CSV as a stream of UTF-8 text. */
export function catalogCsvStream(db: Db): Readable {
  return Readable.from(catalogCsvChunks(db), { objectMode: false });
}
