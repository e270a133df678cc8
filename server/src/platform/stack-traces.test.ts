import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLikeTheServer } from './bundle-test-kit.js';
import { sourceMappedStack } from './stack-traces.js';

describe('stack traces of the built server', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('point a minified bundle’s frames at the source file and line, and leave other frames alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stride-stack-'));
    dirs.push(dir);
    const source = join(dir, 'failing.ts');
    await writeFile(
      source,
      [
        'export function outer(): never {',
        '  return inner(3);',
        '}',
        '',
        'function inner(depth: number): never {',
        '  throw new Error(`failed at depth ${depth}`);',
        '}',
        '',
      ].join('\n'),
    );
    await bundleLikeTheServer(source, join(dir, 'failing.js'));
    // The trace as a plain node process prints it (the test runner maps traces on its own).
    const stack = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { outer } from ${JSON.stringify(pathToFileURL(join(dir, 'failing.js')).href)};
         try { outer(); } catch (error) { process.stdout.write(error.stack); }`,
      ],
      { encoding: 'utf8' },
    );
    expect(stack).toContain('failing.js:1:');

    const mapped = sourceMappedStack(stack);
    expect(mapped).toContain('Error: failed at depth 3');
    expect(mapped).toContain(`${source}:6:`);
    expect(mapped).toContain(`${source}:2:`);
    expect(mapped).not.toContain('failing.js');
    // Node's own frames have no map: unchanged.
    expect(mapped).toContain('node:internal');
  });
});
