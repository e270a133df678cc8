// Writes a brotli (.br) and a gzip (.gz) copy beside each text file of the built storefront, at
// the strongest settings: done once per build, so the server never compresses these per request
// (it serves the copies, see server/src/platform/http/storefront.ts).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = process.argv[2] ?? 'dist';
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.xml']);
const minimumBytes = 1024;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
let before = 0;
let after = 0;
for await (const path of files(root)) {
  if (!compressible.has(extname(path)) || (await stat(path)).size < minimumBytes) continue;
  const bytes = await readFile(path);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  // A copy no smaller than the file is not worth serving.
  if (br.length < bytes.length) await writeFile(`${path}.br`, br);
  if (gz.length < bytes.length) await writeFile(`${path}.gz`, gz);
  count++;
  before += bytes.length;
  after += Math.min(br.length, bytes.length);
}
console.log(
  `precompressed ${count} files: ${(before / 1024).toFixed(1)} KiB → ${(after / 1024).toFixed(1)} KiB with brotli`,
);
