import type { Column, Table } from 'drizzle-orm';

/**
 * What raw SQL (`queryRows`) reads from a column: Drizzle's type for it, except times. Those come
 * as the text PostgreSQL sends ('2026-12-08 00:23:35.557+00'; both drivers leave it unparsed), and a
 * row built in memory to be answered like a read one holds Dates: readers take either (`new Date`).
 */
type RawValue<C extends Column> = C['_']['columnType'] extends
  'PgTimestamp' | 'PgTimestampString' | 'PgDate' | 'PgDateString'
  ? Date | string
  : C['_']['data'];

type ColumnValue<C extends Column> = C['_']['notNull'] extends true
  ? RawValue<C>
  : RawValue<C> | null;

type ColumnsOf<T extends Table> = T['_']['columns'];

/**
 * A table's row as raw SQL returns it: keyed by each column's name in the database, typed from the
 * table's Drizzle definition (which a test holds to the migrated schema). Take the columns a query
 * reads with `Row<typeof orders, 'id' | 'status'>`: a column renamed or dropped in `tables.ts` then
 * fails the type check wherever it is read.
 */
export type Row<T extends Table, Name extends RowKey<T> = RowKey<T>> = Pick<FullRow<T>, Name>;

type FullRow<T extends Table> = {
  [K in keyof ColumnsOf<T> as ColumnsOf<T>[K]['_']['name']]: ColumnValue<ColumnsOf<T>[K]>;
};

/** The database names of a table's columns. */
export type RowKey<T extends Table> = keyof FullRow<T> & string;
