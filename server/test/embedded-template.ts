import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { openPglite } from '../src/platform/db/index.js';
import { serverPath } from '../src/platform/paths.js';
import { seedCatalogIfEmpty } from '../src/seed/seed.js';

/**
 * A migrated, seeded embedded database for test stores to start from: loading its files takes a
 * fraction of what creating a cluster, running every migration and seeding the catalog take. Made
 * once for each content of the migrations and the server's sources (whatever the seed runs), before
 * the test files start (`globalSetup`, so no file's hook waits for it), kept in the temporary folder
 * for every test file of the run and the next runs, and made anew when any of those files changes.
 */
let template: Promise<Blob> | undefined;

export function seededEmbeddedDatabase(): Promise<Blob> {
  template ??= loadOrMake();
  return template;
}

/** Vitest's global setup: the template made, or found, before any test file runs. */
export async function setup(): Promise<void> {
  await seededEmbeddedDatabase();
}

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (!entry.name.endsWith('.test.ts')) hash.update(path).update(await readFile(path));
    }
  };
  await visit(serverPath('migrations'));
  await visit(serverPath('src'));
  return hash.digest('hex').slice(0, 16);
}

const read = async (file: string) => {
  const bytes = await readFile(file).catch(() => null);
  return bytes && new Blob([bytes]);
};

/** Templates of sources a day old or more: other checkouts' stay while they may still be in use. */
async function removeStale(current: string): Promise<void> {
  const dir = dirname(current);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (path === current || !/^stride-test-store-[0-9a-f]+\.tar$/.test(name)) continue;
    const modified = (await stat(path).catch(() => null))?.mtimeMs ?? Date.now();
    if (Date.now() - modified > 86_400_000) await unlink(path).catch(() => {});
  }
}

async function loadOrMake(): Promise<Blob> {
  const file = join(tmpdir(), `stride-test-store-${await sourcesHash()}.tar`);
  const lock = `${file}.lock`;
  // One process makes it while the others wait for its file; a lock left by a run that died is
  // stale after five minutes.
  for (;;) {
    const made = await read(file);
    if (made) return made;
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
      if (age > 300_000) await rmdir(lock).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const made = await read(file);
    if (made) return made;
    const database = await openPglite();
    try {
      await database.migrate();
      await seedCatalogIfEmpty(database.db, pino({ level: 'silent' }));
      const dump = await database.dump();
      const partial = `${file}.${process.pid}`;
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, file);
      await removeStale(file);
      return dump;
    } finally {
      await database.close();
    }
  } finally {
    await rmdir(lock).catch(() => {});
  }
}
