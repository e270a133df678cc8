import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceMapConsumer } from 'source-map-js';

/**
 * Stack traces of the built server, pointed back at the TypeScript sources when they are logged.
 *
 * `node --enable-source-maps` would do it for every trace, but it reads and keeps the source map of
 * every module as it loads, about 7 MB for the bundled server, whether or not anything ever fails.
 * Here a map is read the first time a logged trace passes through its file, and kept from then on;
 * frames of files without a map beside them (node's own, dependencies, the sources run through tsx)
 * are left as they are.
 */

type Consumer = InstanceType<typeof SourceMapConsumer>;
const consumers = new Map<string, { map: Consumer; dir: string } | null>();
let Consumer: typeof SourceMapConsumer | undefined;

function consumerFor(file: string) {
  let found = consumers.get(file);
  if (found !== undefined) return found;
  found = null;
  try {
    const mapFile = `${file}.map`;
    if (existsSync(mapFile)) {
      Consumer ??= (
        createRequire(import.meta.url)('source-map-js') as typeof import('source-map-js')
      ).SourceMapConsumer;
      const map = new Consumer(JSON.parse(readFileSync(mapFile, 'utf8')));
      found = { map, dir: dirname(mapFile) };
    }
  } catch {
    // An unreadable map leaves the frames as they are.
  }
  consumers.set(file, found);
  return found;
}

// `at fn (file:///…/x.js:12:34)`, `at file:///…/x.js:12:34`, and plain paths alike.
const frame = /((?:file:\/\/)?\/[^\s():]+\.js):(\d+):(\d+)/;

/** `stack` with each frame of a mapped file replaced by its source file, line and column. */
export function sourceMappedStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) => {
      const match = frame.exec(line);
      if (!match) return line;
      const [whole, location, lineText, columnText] = match;
      const file = location!.startsWith('file://') ? fileURLToPath(location!) : location!;
      const consumer = consumerFor(file);
      if (!consumer) return line;
      const original = consumer.map.originalPositionFor({
        line: Number(lineText),
        column: Number(columnText) - 1,
      });
      if (!original.source || original.line == null) return line;
      const source = resolve(consumer.dir, original.source);
      return line.replace(whole!, `${source}:${original.line}:${(original.column ?? 0) + 1}`);
    })
    .join('\n');
}
