import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the usual output, to sum results over every runner.
const resultsDir = process.env.TEST_RESULTS_DIR;

// Unit tests of the storefront's parts (the bag, the listing's filters, the forms) in happy-dom;
// the pages as a shopper uses them are the browser specs' (e2e/).
export default defineConfig({
  test: {
    environment: 'happy-dom',
    // The API client resolves its paths against the page's origin.
    environmentOptions: { happyDOM: { url: 'http://store.test/' } },
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
    reporters: resultsDir ? ['default', 'json'] : ['default'],
    ...(resultsDir ? { outputFile: { json: join(resultsDir, 'web.json') } } : {}),
  },
});
