import { sql } from 'drizzle-orm';
import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Ordered UUIDs (v7) keep inserts at the right edge of the primary-key index. */
export const id = () =>
  uuid('id')
    .primaryKey()
    .default(sql`uuid_generate_v7()`);

/** A point in time, stored with its time zone, read as a Date. */
export const at = <Name extends string>(name: Name) =>
  timestamp(name, { withTimezone: true, mode: 'date' });

export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

/**
 * `('a', 'b')`: the values a CHECK constraint allows, written from the same constant the code's type
 * is derived from, so the list exists once.
 */
export const sqlList = (values: readonly string[]) =>
  sql.raw(`(${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ')})`);

export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});
