/**
 * The order a shopper reads sizes in: the clothing letters first (XXS … 3XL, One Size), then
 * everything else (waists, shoe and kids' sizes) in natural order, numbers by value.
 *
 * The natural order is written here rather than taken from `Intl.Collator`: the first collator a
 * process makes maps several megabytes of ICU collation data into memory, and the API would make it
 * for the size facet of its first listing. Sizes are short ASCII labels, where comparing runs of
 * digits by value and everything else case-insensitively gives the same order (punctuation marks
 * among themselves excepted: they keep their ASCII order here).
 */

const clothingOrder = new Map(
  ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL', 'One Size'].map((size, i) => [size, i]),
);

const runs = /\d+|\D+/g;

/** Spaces and punctuation sort before digits, digits before letters, as in a collator. */
function rank(run: string): number {
  const code = run.toLowerCase().charCodeAt(0);
  if (code >= 48 && code <= 57) return 1;
  return (code >= 97 && code <= 122) || code > 127 ? 2 : 0;
}

/** Compares two labels run by run: digit runs by value, other runs ignoring case. */
export function naturalCompare(a: string, b: string): number {
  const left = a.match(runs) ?? [];
  const right = b.match(runs) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const xRank = rank(x);
    const yRank = rank(y);
    if (xRank !== yRank) return xRank - yRank;
    const byRun = xRank === 1 ? Number(x) - Number(y) : compareText(x, y);
    if (byRun !== 0) return byRun;
  }
  if (left.length !== right.length) return left.length - right.length;
  return compareText(a, b, true);
}

/** Letters ignoring case first; `caseToo` breaks a tie with lower case before upper, as a collator. */
function compareText(a: string, b: string, caseToo = false): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  if (!caseToo || a === b) return 0;
  return a > b ? -1 : 1;
}

/** Sizes in reading order: clothing letters first, then the rest naturally. */
export function compareSizes(a: string, b: string): number {
  const ia = clothingOrder.get(a);
  const ib = clothingOrder.get(b);
  if (ia !== undefined || ib !== undefined) return (ia ?? 99) - (ib ?? 99);
  return naturalCompare(a, b);
}
