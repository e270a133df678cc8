let names: Intl.DisplayNames | undefined;

/** A country's name in English, from the browser; its code where the browser has none. */
export function countryName(code: string): string {
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
