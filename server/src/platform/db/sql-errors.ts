/** Database errors read without knowing the driver (node-postgres, PGlite) or Drizzle's wrapping. */

/** The SQLSTATE of a database error, wherever a driver or Drizzle has wrapped it. */
export function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A unique index refused the row (23505): another writer committed the same key first. */
export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';
