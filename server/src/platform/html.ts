/**
 * HTML built from data: an `html` tag that escapes everything interpolated into it (so no page or
 * email can forget to), and money in minor units as people read it.
 */

/** Markup that is already safe: only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => entities[c] ?? c);

/** Markup written in this codebase (never data): passed through as it is. */
export const raw = (markup: string) => new SafeHtml(markup);

function interpolate(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template literal whose interpolated values are HTML-escaped, unless they are `SafeHtml` (from
 * another `html` or `raw`). Escaping quotes too makes values safe inside quoted attributes.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export interface Money {
  amount: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): { formatter: Intl.NumberFormat; digits: number } {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return { formatter, digits: formatter.resolvedOptions().maximumFractionDigits ?? 2 };
}

/** An amount in integer minor units, with as many minor digits as the currency has (JPY 0, KWD 3). */
export function formatMoney({ amount, currency }: Money): string {
  const { formatter, digits } = formatterFor(currency);
  return formatter.format(amount / 10 ** digits);
}

/** The amount in major units as a plain decimal, for machines (schema.org, Open Graph): "49.00". */
export function decimalAmount({ amount, currency }: Money): string {
  const { digits } = formatterFor(currency);
  return (amount / 10 ** digits).toFixed(digits);
}
