/**
 * The catalog CSV's columns, in the order an export writes them (the format: `csv-format.ts`). Apart
 * from the format so the routes can name them without loading the CSV parser and writer at start.
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
