import { CsvError, parse } from 'csv-parse/sync';

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
 */

export const catalogCsvColumns = [
  'product_slug',
  'product_name',
  'description',
  'gender',
  'category_slug',
  'status',
  'color',
  'size',
  'sku',
  'price',
  'compare_at_price',
  'on_hand',
] as const;
export type CatalogCsvColumn = (typeof catalogCsvColumns)[number];

/** Columns a file may leave out: an existing product or variant then keeps what it has. */
const optionalColumns = new Set<CatalogCsvColumn>(['description', 'status', 'compare_at_price']);
const textColumns = new Set<CatalogCsvColumn>([
  'product_slug',
  'product_name',
  'description',
  'gender',
  'category_slug',
  'status',
  'color',
  'size',
  'sku',
]);

export const genders = ['men', 'women', 'kids', 'unisex'] as const;
export type Gender = (typeof genders)[number];
export type ProductStatus = 'active' | 'archived';

/** Every product is priced in the store's currency (the products table's default). */
export const catalogCurrency = 'USD';
/** Highest price a CSV may set, in major units. */
const maxMajorUnits = 1_000_000;
/** Most units on hand a CSV may set, as the admin stock route allows. */
const maxOnHand = 1_000_000;

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

/** Digits after the decimal point in a currency's minor unit (USD 2, JPY 0). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** `49.99` → 4999 (2 digits), by splitting the text: exact, whatever the amount. */
export function parseMoney(
  text: string,
  digits: number,
  currency = catalogCurrency,
): { amount: number } | { error: string } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    return {
      error: `"${text}" is not an amount such as 49.99 (digits and one dot, no currency sign or thousands separator)`,
    };
  }
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    return {
      error: `"${text}" has ${fraction.length} decimals; ${currency} has ${digits}`,
    };
  }
  if (whole.length > String(maxMajorUnits).length) return { error: `"${text}" is too large` };
  // Both parts are integers well inside 2^53, so this arithmetic is exact.
  const amount = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (amount > maxMajorUnits * 10 ** digits) {
    return { error: `"${text}" is over the largest price, ${maxMajorUnits}` };
  }
  return { amount };
}

/** 4999 → `49.99` (2 digits); the inverse of `parseMoney`. */
export function formatMoney(amount: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.floor(amount / unit);
  if (digits === 0) return String(whole);
  return `${whole}.${String(amount % unit).padStart(digits, '0')}`;
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

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const skuPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Control characters other than tab and newline have no place in a product's text.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

type Cells = Partial<Record<CatalogCsvColumn, string>>;

/** One row's cells checked and converted; problems are added to `errors`. */
function readRow(cells: Cells, line: number, digits: number, errors: CellProblem[]) {
  const fail = (field: string, message: string) => void errors.push({ field, message });
  const text = (field: CatalogCsvColumn, options: { max: number; required?: boolean }) => {
    const value = cells[field];
    if (value === undefined) return null;
    if (options.required && value === '') fail(field, 'is required');
    else if (value.length > options.max) fail(field, `is longer than ${options.max} characters`);
    else if (controlCharacters.test(value)) fail(field, 'contains control characters');
    return value;
  };
  const productSlug = text('product_slug', { max: 200, required: true }) ?? '';
  if (productSlug && !slugPattern.test(productSlug)) {
    fail('product_slug', 'must be lower-case letters and digits joined by single hyphens');
  }
  const productName = text('product_name', { max: 200, required: true }) ?? '';
  const description = text('description', { max: 5000 });
  const gender = (cells.gender ?? '').toLowerCase();
  if (!(genders as readonly string[]).includes(gender)) {
    fail('gender', `must be one of ${genders.join(', ')}`);
  }
  const categorySlug = text('category_slug', { max: 200, required: true }) ?? '';
  const status = (cells.status ?? '').toLowerCase();
  if (status !== '' && status !== 'active' && status !== 'archived') {
    fail('status', 'must be active or archived (or empty)');
  }
  const color = text('color', { max: 60, required: true }) ?? '';
  const size = text('size', { max: 30, required: true }) ?? '';
  const sku = text('sku', { max: 64, required: true }) ?? '';
  if (sku && !skuPattern.test(sku)) {
    fail('sku', 'must start with a letter or digit and hold only letters, digits, ".", "_" or "-"');
  }
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
  if (!(onHand <= maxOnHand)) {
    fail('on_hand', `must be a whole number from 0 to ${maxOnHand}, not "${onHandText}"`);
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

/** Read a catalog CSV (UTF-8, a byte-order mark allowed, any line ending). */
export function parseCatalogCsv(
  text: string,
  digits = currencyDigits(catalogCurrency),
): ParsedCatalogCsv {
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
      headerProblems.push({ field: name || `column ${i + 1}`, message: 'is not a known column' });
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
    if (record.every((cell) => cell.trim() === '')) continue;
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
    if (errors.length > 0) problemsOf(line, row.sku || undefined).push(...errors);
    else rows.push(row);
  }
  crossCheck(rows, (row) => problemsOf(row.line, row.sku));
  const bad = new Set(problems.keys());
  return {
    rows: rows.filter((row) => !bad.has(row.line)),
    problems: [...problems.values()].sort((a, b) => a.line - b.line),
  };
}
