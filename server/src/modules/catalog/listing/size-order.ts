/**
 * The order a shopper reads sizes in: the clothing letters first (XXS … 3XL, One Size), then
 * everything else (waists, shoe and kids' sizes) in natural order, numbers by value.
 *
 * The natural order is written here rather than taken from `Intl.Collator`: the first collator a
 * process makes maps several megabytes of ICU collation data into memory, and the API would make it
 * for the size facet of its first listing. It follows a numeric collator on ASCII labels: a label is
 * read as a sequence of characters, with each run of digits one number; spaces and punctuation come
 * before numbers, numbers (by value) before letters, letters ignore case. Where they differ: marks of
 * punctuation among themselves keep their ASCII order, and letters beyond ASCII (É, Ü) come after z.
 */

const clothingOrder = new Map(
  ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL', 'One Size'].map((size, i) => [size, i]),
);

const isDigit = (code: number) => code >= 48 && code <= 57;
const lower = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
/** Spaces and punctuation 0, digits 1, letters 2. */
const rank = (code: number) =>
  isDigit(code) ? 1 : (code >= 97 && code <= 122) || code > 127 ? 2 : 0;

const swapCase = (text: string) =>
  text.replace(/[a-z]+|[A-Z]+/g, (run) =>
    run === run.toLowerCase() ? run.toUpperCase() : run.toLowerCase(),
  );

/** The end of the run of digits starting at `from`. */
function digitsEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  return end;
}

/** Two runs of digits by value, whatever their length: without leading zeros, shorter is less. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Natural order of two labels; a total order (ties broken by case, then leading zeros). */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = lower(a.charCodeAt(i));
    const y = lower(b.charCodeAt(j));
    const byRank = rank(x) - rank(y);
    if (byRank !== 0) return byRank;
    if (isDigit(x)) {
      const xEnd = digitsEnd(a, i);
      const yEnd = digitsEnd(b, j);
      const byValue = compareNumbers(a.slice(i, xEnd), b.slice(j, yEnd));
      if (byValue !== 0) return byValue;
      i = xEnd;
      j = yEnd;
    } else {
      if (x !== y) return x - y;
      i++;
      j++;
    }
  }
  // One is a prefix of the other (in this reading): the shorter first.
  const byLength = a.length - i - (b.length - j);
  if (byLength !== 0) return byLength;
  // Equal but for case or leading zeros: by their text with the case of letters swapped, so that
  // lower case comes first, as in a collator (a one-to-one mapping: still a total order).
  if (a === b) return 0;
  return swapCase(a) < swapCase(b) ? -1 : 1;
}

/** Sizes in reading order: clothing letters first, then the rest naturally. */
export function compareSizes(a: string, b: string): number {
  const ia = clothingOrder.get(a);
  const ib = clothingOrder.get(b);
  if (ia !== undefined || ib !== undefined) return (ia ?? 99) - (ib ?? 99);
  return naturalCompare(a, b);
}
