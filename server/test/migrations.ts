import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../src/platform/db/index.js';
import { serverPath } from '../src/platform/paths.js';

interface Journal {
  entries: { tag: string }[];
}

/**
 * Migrate an empty database up to, not including, the migration `tag`, so a test can write rows as
 * the store wrote them before it; `database.migrate()` then applies the rest, as an upgrade does.
 */
export async function migrateBefore(database: Database, tag: string): Promise<void> {
  const source = serverPath('migrations');
  const journal = JSON.parse(
    await readFile(join(source, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag}`);
  const entries = journal.entries.slice(0, at);
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
  try {
    await mkdir(join(folder, 'meta'));
    await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
    for (const entry of entries) {
      await copyFile(join(source, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
    }
    const { migrate } =
      database.kind === 'pglite'
        ? await import('drizzle-orm/pglite/migrator')
        : await import('drizzle-orm/node-postgres/migrator');
    await migrate(database.db as never, { migrationsFolder: folder });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
