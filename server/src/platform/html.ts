/**
 * HTML built from data: an `html` tag that escapes everything interpolated into it (so no page or
 * email can forget to).
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
