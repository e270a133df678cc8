import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLikeTheServer } from './bundle-test-kit.js';

const platformDir = dirname(fileURLToPath(import.meta.url));
const serverDir = join(platformDir, '..', '..');

/**
 * A process built as the server is (minified, maps without sources), that installs the crash
 * logging with the server's logger options and then fails in the way its first argument names.
 */
describe('failures nothing handled, in a built process', () => {
  let dir: string;
  let source: string;
  let bundle: string;

  beforeAll(async () => {
    // Under the server's node_modules, so the bundle finds pino and source-map-js as the server does.
    const cache = join(serverDir, 'node_modules', '.cache');
    await mkdir(cache, { recursive: true });
    dir = await mkdtemp(join(cache, 'stride-crash-'));
    source = join(dir, 'failing.ts');
    await writeFile(
      source,
      [
        `import pino from 'pino';`,
        `import { loggerOptions } from ${JSON.stringify(join(platformDir, 'logger.js'))};`,
        `import { logUncaughtFailures } from ${JSON.stringify(join(platformDir, 'crash-logging.js'))};`,
        `logUncaughtFailures(pino(loggerOptions({ LOG_LEVEL: 'info' })));`,
        `function explode(): never {`,
        `  throw new Error('nobody caught this');`,
        `}`,
        `if (process.argv[2] === 'rejection') void Promise.resolve().then(explode);`,
        `else if (process.argv[2] === 'nothing') setTimeout(() => { throw null; }, 1);`,
        `else setTimeout(explode, 1);`,
        `setTimeout(() => process.stdout.write('still running\\n'), 200);`,
        ``,
      ].join('\n'),
    );
    bundle = join(dir, 'failing.js');
    await bundleLikeTheServer(source, bundle, ['pino', 'source-map-js']);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a thrown value that is not an Error is logged as it is, and the process exits 1', () => {
    const run = spawnSync(process.execPath, [bundle, 'nothing'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: number; msg: string; err: unknown };
    expect(line.level).toBe(60);
    expect(line.msg).toBe('an exception nothing handled: the process stops');
    expect(line.err).toBeNull();
  });

  for (const kind of ['exception', 'rejection'] as const) {
    it(`an uncaught ${kind} is logged as one fatal line with the source's stack, and the process exits 1`, () => {
      const run = spawnSync(process.execPath, [bundle, kind], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).not.toContain('still running');
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]!) as {
        level: number;
        msg: string;
        origin: string;
        err: { message: string; stack: string };
      };
      expect(line.level).toBe(60);
      expect(line.msg).toBe(
        `${kind === 'rejection' ? 'a promise rejection' : 'an exception'} nothing handled: the process stops`,
      );
      expect(line.origin).toBe(kind === 'rejection' ? 'unhandledRejection' : 'uncaughtException');
      expect(line.err.message).toBe('nobody caught this');
      expect(line.err.stack).toContain(`${source}:6:`);
      expect(line.err.stack).not.toContain('failing.js');
      // Nothing printed by node itself.
      expect(run.stderr).not.toContain('nobody caught this');
    });
  }
});
