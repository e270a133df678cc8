// `npm run build`: the server bundled into dist/ with esbuild, one file per role (main-all,
// main-api, main-worker, gateway/main, seed/run) and chunks they share; adapters a configuration
// may not need (Redis, RabbitMQ, PGlite, the demo catalog's generator) stay in chunks of their own,
// loaded on demand. Minified: a process holds the source text and bytecode of all it loads, and
// minified, tree-shaken code is a fraction of node_modules' files as they are. Source maps hold the
// mappings only (no source text); logged stack traces are mapped with them on first need
// (src/platform/stack-traces.ts).
//
// Types are checked by `npm run typecheck`, not here. A build whose inputs are older than its last
// output is skipped (`--force` builds anyway), so a second `npm start` starts at once.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isCurrent, writeStamp } from '../../scripts/build-stamp.mjs';

const serverDir = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(serverDir, 'dist');
const stamp = join(outdir, '.built');

const entryPoints = {
  'main-all': 'src/main-all.ts',
  'main-api': 'src/main-api.ts',
  'main-worker': 'src/main-worker.ts',
  'gateway/main': 'src/gateway/main.ts',
  'seed/run': 'src/seed/run.ts',
};

// Packages used as they are installed: native addons and WebAssembly loaded from beside their own
// files (argon2, PGlite, sharp's libvips), the AWS SDK (loaded only when S3 storage is set), packages that read files of their own at run time (the API docs' UI and
// spec, pino's worker-thread transports), and those loaded through createRequire on demand.
const external = [
  '@node-rs/argon2',
  '@electric-sql/pglite',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'pino',
  'pino-pretty',
  'thread-stream',
  'pg-native',
  'stripe',
  'nodemailer',
  'source-map-js',
  'sharp',
  '@aws-sdk/client-s3',
];

/** Files the server reads beside its modules at run time, copied to the bundle's folder. */
const assets = ['src/modules/accounts/common-passwords.txt'];

const force = process.argv.includes('--force');
const inputs = ['src', 'scripts', 'package.json', '../package-lock.json', '../scripts'].map(
  (path) => join(serverDir, path),
);
if (!force && isCurrent(stamp, inputs)) process.exit(0);

const began = performance.now();
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: serverDir,
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  external,
  // Bundled CommonJS packages call require() and read __dirname; an ES module has neither.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
});
for (const asset of assets) cpSync(join(serverDir, asset), join(outdir, asset.split('/').pop()));
writeStamp(stamp);
console.log(`built the server into dist/ in ${Math.round(performance.now() - began)} ms`);
