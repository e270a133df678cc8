import { z } from 'zod';

/**
 * The rules of a product's fields, one set for every way in: the JSON API (`admin-schemas.ts`) and
 * the catalog CSV (`csv-format.ts`, `csv-plan.ts`) check the same things with the same messages, so
 * neither lets in what the other refuses, and whatever one stored the other takes back unchanged
 * (an export imports as it is).
 */

/** The most a product may have: variants, and distinct colours and sizes among them. */
export const productLimits = { variants: 300, colors: 30, sizes: 30 } as const;

/** Highest price or compare-at price, in minor units (1,000,000.00 in a two-decimal currency). */
export const maxPriceMinorUnits = 100_000_000;
/** Most units on hand a variant may be given in one go. */
export const maxOnHand = 1_000_000;

// Thousands grouped by hand: the first Intl.NumberFormat (or toLocaleString) a process makes maps
// several megabytes of ICU data, and these messages are built when the API starts.
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
/**
 * The length check of a text field, which ends the checks when it fails. Zod runs every check of a
 * string otherwise, and a pattern over a huge value (a 9 MB cell of a catalog CSV, say) takes time in
 * proportion to it or exhausts the stack: the length always comes first, and alone.
 */
const upTo = (length: number) => ({
  message: `must be at most ${grouped(length)} characters`,
  abort: true,
});
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugMessage = 'must be lowercase letters and digits joined by single hyphens';

export const productSlug = z.string().max(120, upTo(120)).regex(slugPattern, slugMessage);
export const categorySlug = z.string().max(80, upTo(80)).regex(slugPattern, slugMessage);

// Control characters are invisible on a page, break exports and spreadsheets, and mean nothing in
// a name; a description keeps its tabs and line breaks.
export const productName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(200, upTo(200))
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');
export const productDescription = z
  .string()
  .trim()
  .max(10_000, upTo(10_000))
  .regex(/^[\t\n\r\P{Cc}]*$/u, 'must not contain control characters but tabs and line breaks');

// A comma would split the value in a listing's `size=`/`color=` filter, so it cannot be one.
export const optionValue = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(40, upTo(40))
  .regex(/^[^,\p{Cc}]+$/u, 'must not contain commas or control characters');

export const sku = z
  .string()
  .trim()
  .max(100, upTo(100))
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, ".", "_" or "-"');

export const minorUnits = z.number().int().min(0).max(maxPriceMinorUnits);
export const onHand = z.number().int().min(0).max(maxOnHand);
