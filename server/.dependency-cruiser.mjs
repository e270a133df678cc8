// Module boundaries, checked by `npm run lint`. A module under src/modules/<name>/ is used by
// everything outside it through its index.ts only; a module imports only modules listed before it
// in src/modules/index.ts (so modules form no cycle, and that order is true); platform/ imports no
// module; a module's services and rules import nothing from platform/http (routes map errors).
// The deliberate exceptions are listed, each with its reason, in module-boundaries.json.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(path, import.meta.url), 'utf8');
const allowed = JSON.parse(read('./module-boundaries.json')).imports;
const order = [...read('./src/modules/index.ts').matchAll(/\.add\((\w+)Module\)/g)].map(
  (match) => match[1],
);
if (order.length === 0) throw new Error('no module list found in src/modules/index.ts');

const tests = '(\\.test|\\.contract|[/-]test-kit)\\.ts$|^test/';
const moduleOf = (name) => `^src/modules/${name}/`;

/**
 * A rule, and the allow-list applied to it: the rule holds for every file an exception does not
 * name; for a file one does name, the rule holds except for the exception's target.
 */
function withExceptions(rule) {
  const pathNot = (side) => [rule[side].pathNot ?? []].flat();
  return [
    {
      ...rule,
      from: { ...rule.from, pathNot: [...pathNot('from'), ...allowed.map((a) => a.from)] },
    },
    ...allowed.map((exception) => ({
      ...rule,
      from: { ...rule.from, path: `(?=${exception.from})(${rule.from.path})` },
      to: { ...rule.to, pathNot: [...pathNot('to'), exception.to] },
    })),
  ];
}

const forbidden = [
  ...order.map((name) => ({
    name: 'module-internals',
    comment: `Outside ${name}, import only src/modules/${name}/index.ts, its public surface.`,
    severity: 'error',
    from: { path: '^(src|test)/', pathNot: moduleOf(name) },
    to: { path: moduleOf(name), pathNot: `${moduleOf(name)}index\\.ts$` },
  })),
  ...order.map((name, index) => ({
    name: 'module-order',
    comment: `${name} imports only modules listed before it in src/modules/index.ts.`,
    severity: 'error',
    from: { path: moduleOf(name), pathNot: tests },
    to: { path: `^src/modules/(${order.slice(index + 1).join('|') || '(?!)'})/` },
  })),
  {
    name: 'platform-below-modules',
    comment: 'platform/ is the floor under every module: it imports none.',
    severity: 'error',
    from: { path: '^src/platform/' },
    to: { path: '^src/modules/' },
  },
  {
    name: 'services-without-http',
    comment: 'Only routes (routes.ts, *-routes.ts) and module.ts import platform/http.',
    severity: 'error',
    from: { path: '^src/modules/', pathNot: [tests, '/(module|routes|[^/]+-routes)\\.ts$'] },
    to: { path: '^src/platform/http/' },
  },
  {
    name: 'no-tests-in-code',
    comment: 'The store never imports a test or a test kit.',
    severity: 'error',
    from: { path: '^src/', pathNot: tests },
    to: { path: tests },
  },
].flatMap(withExceptions);

export default {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
