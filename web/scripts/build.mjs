// `npm run build -w web`: the storefront built by Vite into dist/, then a brotli and a gzip copy of
// each text file (precompress.mjs). Skipped when nothing it is built from changed since the last
// build under the same VITE_* settings (`--force` builds anyway), so a second `npm start` starts
// at once.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCurrent, writeStamp } from '../../scripts/build-stamp.mjs';

const webDir = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(webDir, 'dist', '.built');
const inputs = [
  'src',
  'public',
  'scripts',
  'index.html',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  '../package-lock.json',
  '../scripts',
].map((path) => join(webDir, path));
const settings = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name.startsWith('VITE_')),
);

if (!process.argv.includes('--force') && isCurrent(stamp, inputs, settings)) process.exit(0);
const run = (command, args) => execFileSync(command, args, { cwd: webDir, stdio: 'inherit' });
const vite = join(
  dirname(createRequire(import.meta.url).resolve('vite/package.json')),
  'bin/vite.js',
);
run(process.execPath, [vite, 'build']);
run(process.execPath, [join(webDir, 'scripts/precompress.mjs'), 'dist']);
writeStamp(stamp, settings);
