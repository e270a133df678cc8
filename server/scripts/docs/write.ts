/** `npm run docs`: writes the generated tables into the README and docs/architecture.md. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatedDocs, repositoryRoot } from './tables.js';

for (const file of await generatedDocs()) {
  if (file.current === file.expected) {
    console.log(`${file.path}: up to date`);
    continue;
  }
  await writeFile(join(repositoryRoot, file.path), file.expected);
  console.log(`${file.path}: written`);
}
