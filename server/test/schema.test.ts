import { sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../src/platform/db/index.js';
import * as schema from '../src/platform/db/schema.js';
import { describeEachBackend, openTestAdapters } from './harness.js';

/**
 * The Drizzle tables are the types every query's rows are taken from, so they must say exactly what
 * the migrations build: each table, each column with its type, nullability and whether it has a
 * default (or is generated). A column renamed, dropped or retyped in one and not the other fails here.
 */

interface ColumnShape {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
}

/** Drizzle's spelling of a type, in PostgreSQL's (`format_type`) spelling. */
function postgresType(drizzleType: string): string {
  return drizzleType
    .replace(/^char\((\d+)\)/, 'character($1)')
    .replace(/^varchar\((\d+)\)/, 'character varying($1)')
    .replace(/^varchar\b/, 'character varying')
    .replace(/^timestamp \((\d+)\)/, 'timestamp($1)')
    .replace(/^numeric\((\d+), (\d+)\)/, 'numeric($1,$2)');
}

function declaredColumns(): ColumnShape[] {
  const columns: ColumnShape[] = [];
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const table = getTableConfig(value);
    for (const column of table.columns) {
      columns.push({
        table: table.name,
        column: column.name,
        type: postgresType(column.getSQLType()),
        // A primary key's columns are NOT NULL whether or not the table says so.
        notNull: column.notNull || column.primary || primaryKeyColumns(value).has(column.name),
        hasDefault: column.hasDefault && !column.generated,
        generated: column.generated !== undefined,
      });
    }
  }
  return sortColumns(columns);
}

/** Each table's CHECK constraints, by name: a rule in one and not the other fails here. */
function declaredChecks(): string[] {
  return Object.values(schema)
    .filter((value) => value instanceof PgTable)
    .flatMap((table) => {
      const config = getTableConfig(table);
      return config.checks.map((check) => `${config.name}.${check.name}`);
    })
    .sort();
}

function primaryKeyColumns(table: PgTable): Set<string> {
  const names = getTableConfig(table).primaryKeys.flatMap((key) => key.columns.map((c) => c.name));
  return new Set(names);
}

function sortColumns(columns: ColumnShape[]): ColumnShape[] {
  return columns.sort((a, b) =>
    a.table === b.table ? a.column.localeCompare(b.column) : a.table.localeCompare(b.table),
  );
}

describeEachBackend('the Drizzle tables on %s backends', (backend) => {
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;

  beforeAll(async () => {
    adapters = await openTestAdapters(backend);
    await adapters.database.migrate();
  });
  afterAll(() => adapters.dispose());

  it('describe every table and column the migrations create, exactly', async () => {
    // Ordinary tables of the public schema; the migrator's own bookkeeping lives in `drizzle`.
    const migrated = await queryRows<ColumnShape>(
      adapters.database.db,
      sql`SELECT c.relname AS "table", a.attname AS "column",
                 format_type(a.atttypid, a.atttypmod) AS "type",
                 a.attnotnull AS "notNull",
                 a.atthasdef AND a.attgenerated = '' AS "hasDefault",
                 a.attgenerated <> '' AS "generated"
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
             AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    expect(sortColumns(migrated)).toEqual(declaredColumns());
  });

  it('declare every CHECK constraint the migrations create', async () => {
    const migrated = await queryRows<{ name: string }>(
      adapters.database.db,
      sql`SELECT c.relname || '.' || k.conname AS name
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND k.contype = 'c'`,
    );
    expect(migrated.map((row) => row.name).sort()).toEqual(declaredChecks());
  });
});
