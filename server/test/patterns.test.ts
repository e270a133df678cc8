import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../src/platform/config.js';
import type { Platform } from '../src/platform/module.js';
import { createServices, modules } from '../src/modules/index.js';
import { bareApp, openTestAdapters, silentLogger, testJwtSecret } from './harness.js';

/**
 * Input meets a pattern only after a length bound that ends its checks. Zod runs every check of a
 * string otherwise, so a pattern would run over the whole of a huge value: in time proportional to
 * it, or, for a pattern with a repeated group, until the stack overflows (a 500). Every route's
 * query, headers and body are walked, so a route added later is held to it too. Path parameters
 * are left out: the router refuses one over 200 characters before any schema sees it.
 */

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; format?: string; abort?: boolean } } }[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The patterns in `schema` that may run before any length bound stops the checks. */
function unboundedPatterns(schema: z.ZodType, path: string, boundedBefore = false): string[] {
  const def = defOf(schema);
  const walk = (child: z.ZodType | undefined, at: string, bounded = false) =>
    child ? unboundedPatterns(child, at, bounded) : [];
  switch (def.type) {
    case 'string': {
      let bounded = boundedBefore;
      const found: string[] = [];
      for (const check of def.checks ?? []) {
        const { check: kind, format, abort } = check._zod.def;
        if (kind === 'max_length' && abort) bounded = true;
        if (kind === 'string_format' && format === 'regex' && !bounded) found.push(path);
      }
      return found;
    }
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) =>
        walk(child, `${path}.${key}`),
      );
    case 'pipe':
      // The output schema runs only on what the input schema passed.
      return [
        ...walk(def.in, path, boundedBefore),
        ...walk(def.out, path, boundedBefore || bounds(def.in)),
      ];
    case 'array':
      return walk(def.element, `${path}[]`);
    case 'union':
      return (def.options ?? []).flatMap((option) => walk(option, path));
    case 'intersection':
      return [...walk(def.left, path), ...walk(def.right, path)];
    case 'record':
      return [...walk(def.keyType, `${path}{key}`), ...walk(def.valueType, `${path}{}`)];
    default:
      return def.innerType ? walk(def.innerType, path, boundedBefore) : [];
  }
}

/** Whether a string schema's length bound ends its checks, so what follows it never sees more. */
function bounds(schema: z.ZodType | undefined): boolean {
  if (!schema) return false;
  const def = defOf(schema);
  if (def.type !== 'string') return def.innerType ? bounds(def.innerType) : false;
  return (def.checks ?? []).some((c) => c._zod.def.check === 'max_length' && c._zod.def.abort);
}

describe('patterns over request input', () => {
  const routes: RouteOptions[] = [];
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;

  beforeAll(async () => {
    adapters = await openTestAdapters('embedded');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: testJwtSecret });
    const platform: Platform = { config, adapters, logger: silentLogger };
    const services = createServices(platform);
    const app = await bareApp();
    app.addHook('onRoute', (route) => void routes.push(route));
    for (const module of modules) await module.routes?.(app, platform, services as never);
    await app.ready();
    await app.close();
  });
  afterAll(() => adapters?.dispose());

  it('finds the module routes and their schemas', () => {
    expect(routes.filter((route) => route.schema?.body).length).toBeGreaterThan(20);
  });

  it('runs every pattern only after a length bound that ends the checks', () => {
    const found = routes.flatMap((route) => {
      const schema = (route.schema ?? {}) as Record<string, z.ZodType | undefined>;
      const name = `${String(route.method)} ${route.url}`;
      return (['querystring', 'headers', 'body'] as const).flatMap((part) => {
        const value = schema[part];
        return value && '_zod' in value ? unboundedPatterns(value, `${name} ${part}`) : [];
      });
    });
    expect(found).toEqual([]);
  });

  it('tells a bounded pattern from an unbounded one', () => {
    const bounded = z.object({
      a: z.string().trim().max(5, { message: 'long', abort: true }).regex(/^a+$/),
      b: z.string().max(5, { abort: true }).pipe(z.string().regex(/^b+$/)).optional(),
    });
    const unbounded = z.object({
      c: z.string().max(5).regex(/^c+$/),
      d: z.array(z.string().regex(/^d+$/)),
    });
    expect(unboundedPatterns(bounded, 'x')).toEqual([]);
    expect(unboundedPatterns(unbounded, 'x')).toEqual(['x.c', 'x.d[]']);
  });
});
