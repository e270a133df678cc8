import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the usual output, to sum results over every runner.
const resultsDir = process.env.TEST_RESULTS_DIR;

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll gives up after one second by default: less than a page's round trip to the
    // store may take on a busy machine.
    expect: { poll: { timeout: 10_000 } },
    // One browser and one store at a time: the machine has two cores.
    fileParallelism: false,
    reporters: resultsDir ? ['default', 'json'] : ['default'],
    ...(resultsDir ? { outputFile: { json: join(resultsDir, 'e2e.json') } } : {}),
  },
});
