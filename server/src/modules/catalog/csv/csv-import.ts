import { sql } from 'drizzle-orm';
import { writeEvent } from '../../../platform/bus/outbox.js';
import { inTransaction, type Context, type TxContext } from '../../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../../platform/db/index.js';
import { Unprocessable } from '../../../platform/errors.js';
import { recordAudit } from '../../../platform/audit/record.js';
import { currencyDigits } from '../../../platform/money.js';
import { initialiseStock, setStockLevels, stockLevelsOf } from '../../inventory/index.js';
import { orderedVariants } from '../admin/admin-repository.js';
import {
  catalogCurrency,
  parseCatalogCsv,
  type CatalogCsvRow,
  type CellProblem,
  type RowProblem,
} from './csv-format.js';
import { planImport, summarise } from './csv-plan.js';
import type {
  CategoryFacts,
  ExistingProduct,
  ExistingVariant,
  ImportPlan,
  ImportState,
} from './csv-state.js';
import { productArchived, productCreated, productRestored, productUpdated } from '../events.js';
import { productImages, products, variants } from '../tables.js';

/**
 * Import of the catalog CSV (`csv-format.ts`): every row is checked, on its own, across the file
 * and against the database, and either everything is stored in one transaction or nothing is.
 * Products are matched by slug and variants by SKU: new ones are created, existing ones updated,
 * and what the file does not mention is left as it is (an import never deletes). A dry run does
 * the same checks and reports the same counts, and writes nothing.
 *
 * Facets and search follow by themselves (the tables' triggers log each change for the facet
 * index; the search vector is a generated column); once committed, the catalog version moves so
 * every cached page and card is retired at once.
 */

/** Problems listed in one answer; a file with more is summarised past this many lines. */
const shownProblems = 500;

export interface CatalogImportDeps {
  db: Db;
  /** Most rows one file may hold (CATALOG_IMPORT_MAX_ROWS). */
  maxRows: number;
  /** After an import committed: new words for search, new pages, retired caches. */
  onProductsChanged: () => Promise<void>;
  onEffectError?: (error: unknown) => void;
}

export type ImportSummary = ReturnType<typeof summarise> & { dryRun: boolean; rows: number };

/** A PostgreSQL array literal of text, for `= ANY(...)` with one parameter whatever the count. */
const textArray = (values: Iterable<string>) =>
  `{${[...values].map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

async function loadState(
  tx: Queryable,
  rows: CatalogCsvRow[],
  options: { lock: boolean },
): Promise<ImportState> {
  const categoryRows = await queryRows<CategoryFacts & { slug: string }>(
    tx,
    sql`SELECT c.id, c.slug, c.name, parent.name AS "parentName"
        FROM categories c LEFT JOIN categories parent ON parent.id = c.parent_id`,
  );
  const productRows = await queryRows<ExistingProduct>(
    tx,
    sql`SELECT id, slug, name, description, gender, category_id, status, price_amount,
               compare_at_amount, currency, colors, sizes FROM products
        WHERE slug = ANY(${textArray(new Set(rows.map((r) => r.productSlug)))}::text[])
        ${options.lock ? sql`FOR NO KEY UPDATE` : sql``}`,
  );
  const productIds = productRows.map((p) => p.id);
  const variantRows = await queryRows<ExistingVariant>(
    tx,
    sql`SELECT v.id, v.product_id, p.slug AS product_slug, v.sku, v.size, v.color,
               v.price_amount, v.compare_at_amount, v.position
        FROM variants v JOIN products p ON p.id = v.product_id
        WHERE v.sku = ANY(${textArray(rows.map((r) => r.sku))}::text[])
           OR v.product_id = ANY(${textArray(productIds)}::uuid[])
        ORDER BY v.product_id, v.position, v.id`,
  );
  const imageRows = await queryRows<{ product_id: string; colors: string[]; next: number }>(
    tx,
    sql`SELECT product_id, array_agg(DISTINCT color) AS colors, max(position) + 1 AS next
        FROM product_images WHERE product_id = ANY(${textArray(productIds)}::uuid[])
        GROUP BY product_id`,
  );
  const variantsOf = new Map<string, ExistingVariant[]>();
  for (const variant of variantRows) {
    const list = variantsOf.get(variant.product_id);
    if (list) list.push(variant);
    else variantsOf.set(variant.product_id, [variant]);
  }
  const variantIds = variantRows.map((v) => v.id);
  return {
    categories: new Map(categoryRows.map((c) => [c.slug, c])),
    products: new Map(productRows.map((p) => [p.slug, p])),
    variantsBySku: new Map(variantRows.map((v) => [v.sku, v])),
    variantsOf,
    stock: await stockLevelsOf(tx, variantIds, options),
    images: new Map(
      imageRows.map((i) => [i.product_id, { colors: new Set(i.colors), next: Number(i.next) }]),
    ),
    ordered: await orderedVariants(tx, variantIds),
    currencyDigits: currencyDigits(catalogCurrency),
  };
}

async function writePlan(ctx: TxContext, plan: ImportPlan): Promise<void> {
  const { tx } = ctx;
  for (const part of chunks(plan.newProducts, 500)) await tx.insert(products).values(part);
  for (const part of chunks(plan.changedProducts, 500)) {
    await tx.execute(
      sql`UPDATE products p SET name = u.name, description = u.description, gender = u.gender,
            category_id = u.category_id, status = u.status, price_amount = u.price_amount,
            compare_at_amount = u.compare_at_amount, colors = u.colors, sizes = u.sizes,
            search_keywords = u.search_keywords, updated_at = now()
          FROM (VALUES ${sql.join(
            part.map(
              (p) =>
                sql`(${p.id}::uuid, ${p.name}, ${p.description}, ${p.gender}, ${p.categoryId}::uuid,
                     ${p.status}, ${p.priceAmount}::int, ${p.compareAtAmount}::int,
                     ${textArray(p.colors)}::text[], ${textArray(p.sizes)}::text[], ${p.searchKeywords})`,
            ),
            sql`, `,
          )}) AS u(id, name, description, gender, category_id, status, price_amount,
                   compare_at_amount, colors, sizes, search_keywords)
          WHERE p.id = u.id`,
    );
  }
  for (const part of chunks(plan.newVariants, 1000)) await tx.insert(variants).values(part);
  for (const part of chunks(plan.changedVariants, 1000)) {
    await tx.execute(
      sql`UPDATE variants v SET size = u.size, color = u.color, price_amount = u.price_amount,
            compare_at_amount = u.compare_at_amount, updated_at = now()
          FROM (VALUES ${sql.join(
            part.map(
              (v) =>
                sql`(${v.id}::uuid, ${v.size}, ${v.color}, ${v.priceAmount}::int, ${v.compareAtAmount}::int)`,
            ),
            sql`, `,
          )}) AS u(id, size, color, price_amount, compare_at_amount)
          WHERE v.id = u.id`,
    );
  }
  for (const part of chunks(plan.newStock, 5000)) await initialiseStock(tx, part);
  await setStockLevels(tx, plan.changedStock);
  for (const part of chunks(plan.newImages, 3000)) await tx.insert(productImages).values(part);
  for (const event of plan.events) {
    const { product } = event;
    const price = { amount: product.priceAmount, currency: catalogCurrency };
    if (event.kind === 'created') {
      await writeEvent(tx, productCreated, {
        productId: product.id,
        slug: product.slug,
        name: product.name,
        categoryId: product.categoryId,
        price,
        variantIds: event.variantIds,
      });
    } else if (event.kind === 'updated') {
      await writeEvent(tx, productUpdated, {
        productId: product.id,
        slug: product.slug,
        changes: event.changes,
        price,
        ...(event.variantIds.length > 0 ? { variantIds: event.variantIds } : {}),
      });
    } else {
      await writeEvent(tx, event.kind === 'archived' ? productArchived : productRestored, {
        productId: product.id,
        slug: product.slug,
      });
    }
  }
}

/**
 * The file's text. Bytes that are not UTF-8 (a file saved as Windows-1252 or Latin-1, say) are
 * refused rather than read with replacement characters, which would be stored as they are; a
 * byte-order mark, as spreadsheets write one, is dropped.
 */
function decodeFile(file: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw invalidImport([
      {
        line: 1,
        errors: [
          {
            field: 'file',
            message:
              'is not UTF-8 text; save it as “CSV UTF-8” (the export is UTF-8) and import it again',
          },
        ],
      },
    ]);
  }
}

function invalidImport(problems: RowProblem[]): Unprocessable {
  const shown = problems.slice(0, shownProblems);
  const more = problems.length - shown.length;
  return new Unprocessable(
    'import_invalid',
    `${problems.length === 1 ? 'One line has' : `${problems.length} lines have`} problems; nothing was stored.` +
      (more > 0 ? ` The first ${shownProblems} are listed.` : ''),
    {
      errors: shown.flatMap((problem) =>
        problem.errors.map((e) => ({
          path: `line ${problem.line}.${e.field}`,
          message: e.message,
        })),
      ),
      rows: shown,
      invalidLines: problems.length,
    },
  );
}

export function createCatalogImport(deps: CatalogImportDeps) {
  const { db } = deps;
  return {
    /** Check a catalog CSV (UTF-8 bytes) and, unless `dryRun`, store it: all of it, or nothing. */
    async run(
      ctx: Context,
      file: Uint8Array,
      options: { dryRun: boolean },
    ): Promise<ImportSummary> {
      const parsed = parseCatalogCsv(decodeFile(file), { maxRows: deps.maxRows });
      // A file that cannot be read, or whose header is wrong, has nothing to check further.
      if (parsed.rows.length === 0 && parsed.problems.length > 0) {
        throw invalidImport(parsed.problems);
      }
      const problems = new Map(parsed.problems.map((p) => [p.line, p]));
      const problemsOf = (row: CatalogCsvRow): CellProblem[] => {
        let problem = problems.get(row.line);
        if (!problem)
          problems.set(row.line, (problem = { line: row.line, sku: row.sku, errors: [] }));
        return problem.errors;
      };
      return inTransaction(
        db,
        ctx,
        async (tx) => {
          // One import at a time: two files touching the same products would otherwise race
          // between their checks and their writes.
          if (!options.dryRun) {
            await tx.tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('catalog.import'))`);
          }
          const state = await loadState(tx.tx, parsed.rows, { lock: !options.dryRun });
          const plan = planImport(parsed.rows, state, problemsOf);
          if (problems.size > 0) {
            throw invalidImport([...problems.values()].sort((a, b) => a.line - b.line));
          }
          const summary = {
            dryRun: options.dryRun,
            rows: parsed.rows.length,
            ...summarise(plan),
          };
          if (options.dryRun) return summary;
          await writePlan(tx, plan);
          await recordAudit(tx, {
            action: 'catalog.import',
            target: 'catalog:products',
            after: {
              rows: summary.rows,
              products: summary.products,
              variants: summary.variants,
              stockChanged: summary.stockChanged,
            },
          });
          tx.afterCommit(deps.onProductsChanged);
          return summary;
        },
        deps.onEffectError,
      );
    },
  };
}

export type CatalogImport = ReturnType<typeof createCatalogImport>;
