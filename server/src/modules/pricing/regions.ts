/**
 * Countries whose tax depends on the region: there an address must name its region by its ISO
 * 3166-2 code, or a shopper could write "California" and pay no sales tax. Elsewhere the region is
 * free text (a county, say) and does not change the price.
 */
const subdivisions: Record<string, readonly string[]> = {
  US: [
    'AL',
    'AK',
    'AZ',
    'AR',
    'CA',
    'CO',
    'CT',
    'DE',
    'FL',
    'GA',
    'HI',
    'ID',
    'IL',
    'IN',
    'IA',
    'KS',
    'KY',
    'LA',
    'ME',
    'MD',
    'MA',
    'MI',
    'MN',
    'MS',
    'MO',
    'MT',
    'NE',
    'NV',
    'NH',
    'NJ',
    'NM',
    'NY',
    'NC',
    'ND',
    'OH',
    'OK',
    'OR',
    'PA',
    'RI',
    'SC',
    'SD',
    'TN',
    'TX',
    'UT',
    'VT',
    'VA',
    'WA',
    'WV',
    'WI',
    'WY',
    'DC',
    'PR',
    'GU',
    'VI',
    'AS',
    'MP',
    'AA',
    'AE',
    'AP',
  ],
  CA: ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'],
};

/** Whether an address in `country` must name its region by code (its tax depends on it). */
export const regionRequired = (country: string) =>
  Object.hasOwn(subdivisions, country.toUpperCase());

/** The region as stored and taxed: the upper-case code where the country needs one. */
export function normaliseRegion(
  country: string,
  region: string | null | undefined,
): { ok: true; region: string | null } | { ok: false; message: string } {
  const codes = subdivisions[country.toUpperCase()];
  const trimmed = region?.trim() || null;
  if (!codes) return { ok: true, region: trimmed };
  const code = trimmed?.toUpperCase().replace(/^[A-Z]{2}-/, '') ?? '';
  if (!codes.includes(code)) {
    return {
      ok: false,
      message: `must be the ${country.toUpperCase()} state or province code (e.g. ${codes[4]})`,
    };
  }
  return { ok: true, region: code };
}
