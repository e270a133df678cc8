import { CsvError, parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { TooLarge } from '../../../platform/errors.js';
import { currencyDigits, decimalText } from '../../../platform/money.js';
import * as rules from '../field-rules.js';
import { genders } from '../schemas.js';
import { catalogCsvColumns, type CatalogCsvColumn } from './csv-columns.js';

/**
 * The catalog CSV: one row per variant, its product's fields repeated on each of the product's
 * rows. Everything here is pure (text in, rows and problems out); `csv-import.ts` checks the rows
 * against the database and writes them, `csv-export.ts` writes the same format.
 *
 * - Prices are decimals in major units (`49.99`), converted to minor units by string arithmetic,
 *   never through a binary float; more decimals than the currency has is an error, not a rounding.
 * - A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
 *   leading `'`, so a spreadsheet shows it as text instead of running it as a formula (OWASP's
 *   advice against CSV injection); an import removes that one quote again, so a file exported and
 *   imported unchanged round-trips exactly.
 * - Each cell is checked by the rule the JSON API applies to the same field (`field-rules.ts`).
 */

export { catalogCsvColumns, type CatalogCsvColumn };

/** Columns a file may leave out: an existing product or variant then keeps what it has. */
const optionalColumns = new Set<CatalogCsvColumn>(['description', 'status', 'compare_at_price']);
/** Every column but the numbers. */
const numberColumns = new Set<CatalogCsvColumn>(['price', 'compare_at_price', 'on_hand']);
const textColumns = new Set<CatalogCsvColumn>(
  catalogCsvColumns.filter((column) => !numberColumns.has(column)),
);

export type Gender = (typeof genders)[number];
export type ProductStatus = 'active' | 'archived';

/** Every product is priced in the store's currency (the products table's default). */
export const catalogCurrency = 'USD';

export interface CatalogCsvRow {
  /** Line of the file where the row starts (the header is line 1). */
  line: number;
  productSlug: string;
  productName: string;
  /** null: the column is absent (keep the product's). */
  description: string | null;
  gender: Gender;
  categorySlug: string;
  /** null: absent or empty (keep the product's; a new product is active). */
  status: ProductStatus | null;
  color: string;
  size: string;
  sku: string;
  price: number;
  /** undefined: the column is absent (keep the variant's); null: no compare-at price. */
  compareAtPrice: number | null | undefined;
  onHand: number;
}

export interface CellProblem {
  field: string;
  message: string;
}

export interface RowProblem {
  line: number;
  sku?: string;
  errors: CellProblem[];
}

/** A cell named in a problem, cut short: a problem never echoes a huge cell back whole. */
const cut = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
const quoted = (text: string) => `"${cut(text)}"`;

/** `49.99` → 4999 (2 digits), by splitting the text: exact, whatever the amount; `decimalText` undoes it. */
export function parseMoney(
  text: string,
  digits: number,
  currency = catalogCurrency,
): { amount: number } | { error: string } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    return {
      error: `${quoted(text)} is not an amount such as 49.99 (digits and one dot, no currency sign or thousands separator)`,
    };
  }
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    return {
      error: `${quoted(text)} has ${fraction.length} decimals; ${currency} has ${digits}`,
    };
  }
  const largest = decimalText(rules.maxPriceMinorUnits, digits);
  const tooLarge = { error: `${quoted(text)} is over the largest price, ${largest}` };
  // Both parts are integers well inside 2^53 once the whole part is this short, so this is exact.
  if (whole.length > largest.length) return tooLarge;
  const amount = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return amount > rules.maxPriceMinorUnits ? tooLarge : { amount };
}

const formulaStart = /^'*[=+\-@\t\r]/;

/** A text cell as written to a file: prefixed with `'` when a spreadsheet would read a formula. */
export function neutraliseCell(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/** A text cell as read from a file: the inverse of `neutraliseCell`. */
export function restoreCell(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

type Cells = Partial<Record<CatalogCsvColumn, string>>;

/** One row's cells checked and converted; problems are added to `errors`. */
function readRow(cells: Cells, line: number, digits: number, errors: CellProblem[]) {
  const fail = (field: string, message: string) => void errors.push({ field, message });
  /** A text cell checked by its field's rule; null when the (optional) column is absent. */
  const text = (field: CatalogCsvColumn, rule: z.ZodType<string>, required = true) => {
    const value = cells[field];
    if (value === undefined) return null;
    if (required && value === '') {
      fail(field, 'is required');
      return value;
    }
    const checked = rule.safeParse(value);
    if (checked.success) return checked.data;
    fail(field, checked.error.issues[0]?.message ?? 'is not valid');
    return value;
  };
  const productSlug = text('product_slug', rules.productSlug) ?? '';
  const productName = text('product_name', rules.productName) ?? '';
  const description = text('description', rules.productDescription, false);
  const gender = (cells.gender ?? '').toLowerCase();
  if (!(genders as readonly string[]).includes(gender)) {
    fail('gender', `must be one of ${genders.join(', ')}`);
  }
  const categorySlug = text('category_slug', rules.categorySlug) ?? '';
  const status = (cells.status ?? '').toLowerCase();
  if (status !== '' && status !== 'active' && status !== 'archived') {
    fail('status', 'must be active or archived (or empty)');
  }
  const color = text('color', rules.optionValue) ?? '';
  const size = text('size', rules.optionValue) ?? '';
  const sku = text('sku', rules.sku) ?? '';
  const money = (field: CatalogCsvColumn) => {
    const value = cells[field];
    if (value === undefined || value === '') return value === '' ? null : undefined;
    const parsed = parseMoney(value, digits);
    if ('error' in parsed) fail(field, parsed.error);
    return 'amount' in parsed ? parsed.amount : undefined;
  };
  const price = money('price');
  if (price === null) fail('price', 'is required');
  const compareAtPrice = money('compare_at_price');
  if (typeof price === 'number' && typeof compareAtPrice === 'number' && compareAtPrice <= price) {
    fail('compare_at_price', 'must be higher than price (it is the price before a reduction)');
  }
  const onHandText = cells.on_hand ?? '';
  const onHand = /^\d{1,7}$/.test(onHandText) ? Number(onHandText) : Number.NaN;
  if (!(onHand <= rules.maxOnHand)) {
    fail(
      'on_hand',
      `must be a whole number from 0 to ${rules.maxOnHand}, not ${quoted(onHandText)}`,
    );
  }
  return {
    line,
    productSlug,
    productName,
    description,
    gender: gender as Gender,
    categorySlug,
    status: (status || null) as ProductStatus | null,
    color,
    size,
    sku,
    price: price ?? 0,
    compareAtPrice,
    onHand,
  };
}

/** Checks across rows: a SKU once per file, a product's fields alike on all its rows, a size once per colour. */
function crossCheck(rows: CatalogCsvRow[], problemsOf: (row: CatalogCsvRow) => CellProblem[]) {
  const skus = new Map<string, number>();
  const firstOfProduct = new Map<string, CatalogCsvRow>();
  const options = new Map<string, number>();
  for (const row of rows) {
    const fail = (field: string, message: string) => problemsOf(row).push({ field, message });
    const sameSku = skus.get(row.sku);
    if (sameSku !== undefined) fail('sku', `is also on line ${sameSku}`);
    else skus.set(row.sku, row.line);
    const first = firstOfProduct.get(row.productSlug);
    if (!first) firstOfProduct.set(row.productSlug, row);
    else {
      const fields = [
        ['product_name', row.productName, first.productName],
        ['description', row.description, first.description],
        ['gender', row.gender, first.gender],
        ['category_slug', row.categorySlug, first.categorySlug],
        ['status', row.status, first.status],
      ] as const;
      for (const [field, value, expected] of fields) {
        if (value !== expected) {
          fail(field, `differs from line ${first.line}, the first row of ${row.productSlug}`);
        }
      }
    }
    const option = JSON.stringify([
      row.productSlug,
      row.color.toLowerCase(),
      row.size.toLowerCase(),
    ]);
    const sameOption = options.get(option);
    if (sameOption !== undefined) {
      fail('size', `${row.size} in ${row.color} is also on line ${sameOption}`);
    } else options.set(option, row.line);
  }
}

export interface ParsedCatalogCsv {
  /** Rows whose cells are valid on their own (other checks may still find problems in them). */
  rows: CatalogCsvRow[];
  /** Problems by line, in line order; a problem on line 1 is with the file or its header. */
  problems: RowProblem[];
}

/** The file has more rows than an import takes at once. */
export const tooManyRows = (maxRows: number) =>
  new TooLarge(
    'import_too_many_rows',
    `A catalog file may hold at most ${maxRows.toLocaleString('en')} rows; split it and import each part.`,
    { maxRows },
  );

/**
 * Read a catalog CSV (a byte-order mark allowed, any line ending). A file of more than `maxRows`
 * rows (blank lines aside) is refused whole, before any row is checked: it throws `tooManyRows`.
 */
export function parseCatalogCsv(
  text: string,
  options: { maxRows?: number; digits?: number } = {},
): ParsedCatalogCsv {
  const digits = options.digits ?? currencyDigits(catalogCurrency);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, errors: [{ field: 'file', message: error.message }] }] };
  }
  const [header, ...body] = records;
  const blank = (record: string[]) => record.every((cell) => cell.trim() === '');
  if (options.maxRows !== undefined) {
    let count = 0;
    for (const { record } of body) if (!blank(record) && ++count > options.maxRows) break;
    if (count > options.maxRows) throw tooManyRows(options.maxRows);
  }
  const headerProblems: CellProblem[] = [];
  const names = (header?.record ?? []).map((name) => name.trim().toLowerCase());
  if (names.length === 0 || names.every((name) => name === '')) {
    headerProblems.push({
      field: 'file',
      message: 'is empty: the first line must name the columns',
    });
  }
  names.forEach((name, i) => {
    if (!(catalogCsvColumns as readonly string[]).includes(name)) {
      headerProblems.push({
        field: cut(name) || `column ${i + 1}`,
        message: 'is not a known column',
      });
    } else if (names.indexOf(name) !== i) {
      headerProblems.push({ field: name, message: 'appears twice' });
    }
  });
  for (const column of catalogCsvColumns) {
    if (!optionalColumns.has(column) && !names.includes(column) && names.length > 0) {
      headerProblems.push({ field: column, message: 'column is missing' });
    }
  }
  if (headerProblems.length > 0)
    return { rows: [], problems: [{ line: 1, errors: headerProblems }] };

  const problems = new Map<number, RowProblem>();
  const problemsOf = (line: number, sku?: string): CellProblem[] => {
    let problem = problems.get(line);
    if (!problem) problems.set(line, (problem = { line, ...(sku ? { sku } : {}), errors: [] }));
    return problem.errors;
  };
  const rows: CatalogCsvRow[] = [];
  let previousEnd = header?.info.lines ?? 1;
  for (const { record, info } of body) {
    // A record that spans lines (a quoted newline) starts where the previous one ended.
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (blank(record)) continue;
    if (record.length !== names.length) {
      problemsOf(line).push({
        field: 'row',
        message: `has ${record.length} cells; the header names ${names.length}`,
      });
      continue;
    }
    const cells: Cells = {};
    names.forEach((name, i) => {
      const column = name as CatalogCsvColumn;
      const raw = record[i] ?? '';
      cells[column] = (textColumns.has(column) ? restoreCell(raw) : raw).trim();
    });
    const errors: CellProblem[] = [];
    const row = readRow(cells, line, digits, errors);
    // A SKU that broke its rule is named only when short enough to be one.
    const named = row.sku && row.sku.length <= 100 ? row.sku : undefined;
    if (errors.length > 0) problemsOf(line, named).push(...errors);
    else rows.push(row);
  }
  crossCheck(rows, (row) => problemsOf(row.line, row.sku));
  const bad = new Set(problems.keys());
  return {
    rows: rows.filter((row) => !bad.has(row.line)),
    problems: [...problems.values()].sort((a, b) => a.line - b.line),
  };
}
