// The files the server reads beside its modules at run time (not TypeScript, so tsc does not copy
// them): mirrored from src/ into dist/ after each build.
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const assets = ['.txt'];
let copied = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (assets.some((ext) => entry.name.endsWith(ext))) {
      cpSync(path, join('dist', relative('src', path)));
      copied++;
    }
  }
}
walk('src');
console.log(`copied ${copied} asset file(s) into dist/`);
