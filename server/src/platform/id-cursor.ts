import { ValidationFailed } from './errors.js';

/**
 * Opaque cursors for lists ordered by a UUIDv7 id, newest first: the cursor is the last id shown.
 * UUIDv7 ids grow with time, so `id < cursor` walks back in creation order with one index.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const encodeIdCursor = (id: string) => Buffer.from(id).toString('base64url');

export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!uuidPattern.test(id)) {
    throw new ValidationFailed([
      { path: 'query.cursor', message: 'is not a cursor for this listing' },
    ]);
  }
  return id;
}

/** The page of `limit` rows out of `limit + 1` fetched, and the cursor to the next one. */
export function pageOf<Row extends { id: string }>(rows: Row[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeIdCursor(last.id) : null };
}
