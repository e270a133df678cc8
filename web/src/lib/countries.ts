/** The countries the store ships to, by ISO 3166-1 code, as checkout and the address book offer them. */
export const countries: Record<string, string> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  IE: 'Ireland',
  DE: 'Germany',
  FR: 'France',
  NL: 'Netherlands',
  ES: 'Spain',
  IT: 'Italy',
  AU: 'Australia',
};

/** Where carriers and tax need the state or province, as its two-letter code. */
export const regionRequired = new Set(['US', 'CA']);
