// Sums the JSON reports of every test runner into the one line CI reads: "N passed, N failed", after
// the ten slowest tests of the run (where the time goes when CI gets slower).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
const durations = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  // A suite that failed to load has no failed tests of its own; count it so it cannot pass unseen.
  failed += Math.max(report.numFailedTests ?? 0, report.numFailedTestSuites ?? 0);
  for (const suite of report.testResults ?? []) {
    const path = String(suite.name ?? '').replace(/^.*?\/(server|e2e|web)\//, '$1/');
    for (const test of suite.assertionResults ?? []) {
      if (typeof test.duration === 'number')
        durations.push({ ms: test.duration, name: `${path} › ${test.fullName ?? test.title}` });
    }
  }
}
durations.sort((a, b) => b.ms - a.ms);
if (durations.length > 0) {
  console.log('slowest tests:');
  for (const { ms, name } of durations.slice(0, 10))
    console.log(`${(ms / 1000).toFixed(1).padStart(7)} s  ${name}`);
}
console.log(`${passed} passed, ${failed} failed`);
if (passed === 0 || failed > 0) process.exit(1);
