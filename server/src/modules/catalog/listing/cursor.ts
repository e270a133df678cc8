import { z } from 'zod';
import { ValidationFailed } from '../../../platform/errors.js';
import type { PagePosition, SortKey } from './repository.js';

/**
 * Cursors are opaque to clients: base64url JSON naming the sort they belong to and where the next
 * page starts. A cursor from another sort, or one that was tampered with, is a 400, never a 500.
 */
const cursorSchema = z.union([
  z.object({
    s: z.enum(['newest', 'price_asc', 'price_desc', 'relevance']),
    v: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    id: z.uuid(),
  }),
  z.object({ s: z.literal('relevance'), o: z.number().int().min(0).max(100_000) }),
]);

export function encodeCursor(sort: SortKey, position: PagePosition): string {
  const body =
    position.kind === 'offset'
      ? { s: sort, o: position.offset }
      : { s: sort, v: position.value, id: position.id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** `ranked` listings (a search sorted by relevance) page by offset; every other listing by keyset. */
export function decodeCursor(cursor: string, sort: SortKey, ranked: boolean): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort) {
    throw new ValidationFailed([
      { path: 'query.cursor', message: 'is not a cursor for this listing' },
    ]);
  }
  const data = result.data;
  if ('o' in data) {
    if (ranked) return { kind: 'offset', offset: data.o };
  } else if (!ranked) {
    // Prices in minor units, creation times in microseconds since the epoch.
    if (typeof data.v === 'number') return { kind: 'after', value: data.v, id: data.id };
  }
  throw new ValidationFailed([
    { path: 'query.cursor', message: 'is not a cursor for this listing' },
  ]);
}
