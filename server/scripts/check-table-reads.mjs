// A module's SQL names only its own tables and the platform's, except the deliberate reads listed
// in module-boundaries.json ("tables"), each with its reason. Imports of another module's tables
// are the dependency rule's (.dependency-cruiser.mjs); this finds the tables named in SQL text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const allowed = JSON.parse(readFileSync(join(root, 'module-boundaries.json'), 'utf8')).tables;

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const modulesDir = join(root, 'src/modules');
const moduleNames = readdirSync(modulesDir).filter((name) =>
  statSync(join(modulesDir, name)).isDirectory(),
);
const tableNames = (file) =>
  [...readFileSync(file, 'utf8').matchAll(/pgTable\(\s*'([a-z_]+)'/g)].map((match) => match[1]);

/** Table name → the module that owns it; the platform's tables are anyone's. */
const owner = new Map();
for (const name of moduleNames)
  for (const file of filesUnder(join(modulesDir, name)).filter((f) => f.endsWith('tables.ts')))
    for (const table of tableNames(file)) owner.set(table, name);

const isTest = (file) => /(\.test|\.contract|[/-]test-kit)\.ts$/.test(file);
const sqlTable = /\b(?:FROM|JOIN|INTO|UPDATE|EXISTS \(SELECT 1 FROM)\s+([a-z_]+)\b/g;
const found = [];
const used = new Set();
for (const name of moduleNames) {
  for (const file of filesUnder(join(modulesDir, name))) {
    if (!file.endsWith('.ts') || isTest(file) || file.endsWith('tables.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(sqlTable)) {
      const table = match[1];
      const tableOwner = owner.get(table);
      if (!tableOwner || tableOwner === name) continue;
      const exception = allowed.find((a) => a.module === name && a.table === table);
      if (exception) {
        used.add(exception);
        continue;
      }
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`${relative(root, file)}:${line} names ${tableOwner}'s table ${table}`);
    }
  }
}
const unused = allowed.filter((a) => !used.has(a));
for (const a of unused)
  found.push(`module-boundaries.json: ${a.module} no longer reads ${a.table}`);
if (found.length > 0) {
  console.error(
    `A module's SQL names another module's table (call its service, or list the read in ` +
      `module-boundaries.json with its reason):\n  ${found.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`✔ every module's SQL names its own tables (${allowed.length} listed reads)`);
