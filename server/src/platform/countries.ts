import { iso31661 } from 'iso-3166/1.js';
import { z } from 'zod';

/**
 * Countries, as ISO 3166-1 alpha-2 codes, from a maintained list of the assigned ones (`iso-3166`):
 * user-assigned codes such as XX, ZZ or AA, and reserved ones, are not countries. A plain Set,
 * made when the module loads: no Intl, so no ICU data is mapped at start (docs/performance.md).
 */
const assigned = new Set(iso31661.map((country) => country.alpha2));

/** Whether `code` (upper case) is an assigned ISO 3166-1 alpha-2 code. */
export const isCountryCode = (code: string): boolean => assigned.has(code);

/** The problem an unknown country is refused with (400). */
export const unknownCountry = 'unknown_country';

const message = 'must be an ISO 3166-1 alpha-2 country code';

/**
 * A country in a request: any case in, upper case out. Anything else is refused with the problem
 * code `unknown_country` (the refinement names it; `platform/http/problem.ts` makes it the code).
 */
export const countryCode = z
  .string()
  .trim()
  // The length first: a huge value is refused without being upper-cased.
  .refine((value) => value.length === 2 && isCountryCode(value.toUpperCase()), {
    message,
    params: { problem: unknownCountry },
  })
  .transform((value) => value.toUpperCase());
