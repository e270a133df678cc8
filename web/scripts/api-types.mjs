/**
 * Regenerates the storefront's API types from the server's routes: the OpenAPI document the API
 * serves is turned into src/api/schema.d.ts by openapi-typescript. The file is checked in; a server
 * test fails when it falls behind the routes, so the client and the API cannot drift apart
 * unnoticed.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientTypes } from './client-types.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = join(web, '..', 'server');
const json = execFileSync('npx', ['tsx', 'scripts/openapi-document.ts'], {
  cwd: server,
  encoding: 'utf8',
  env: { ...process.env, LOG_LEVEL: 'silent' },
  maxBuffer: 64 * 1024 * 1024,
});
await writeFile(join(web, 'src/api/schema.d.ts'), await clientTypes(JSON.parse(json)));
console.log('wrote src/api/schema.d.ts');
