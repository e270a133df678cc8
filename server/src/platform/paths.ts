import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server package's folder (where `package.json` and `migrations/` are), found by walking up
 * from this module. The same code runs from its TypeScript sources (`src/platform/`) and bundled
 * into `dist/` at a different depth, so a fixed `../..` would be right in one and wrong in the other.
 */
function findServerDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('the server package folder (with migrations/) was not found');
    dir = parent;
  }
}

export const serverDirectory = findServerDirectory();

/** A path inside the server package, e.g. `serverPath('migrations')`. */
export function serverPath(...parts: string[]): string {
  return join(serverDirectory, ...parts);
}
