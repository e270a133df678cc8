import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemResponses, problemSchema } from '../src/platform/http/problem.js';
import { bareApp, createTestStore, type TestStore } from './harness.js';

/**
 * The published OpenAPI document against the server: every operation of the whole document is
 * checked, so routes added later are held to the same rules without touching this file.
 */

interface Media {
  schema?: { $ref?: string; required?: string[] };
  example?: unknown;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, Media>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: { format?: string } }[];
  requestBody?: unknown;
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }>; securitySchemes?: object };
}
interface Entry {
  name: string;
  method: string;
  path: string;
  operation: Operation;
}

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const problemType = 'application/problem+json';

/** A concrete URL for a templated path: every parameter gets a well-formed id. */
const concreteUrl = (path: string) =>
  path.replace(/\{[^}]+\}/g, '0190a2b4-0000-7000-8000-000000000000');

let store: TestStore;
let document: OpenApiDocument;
let entries: Entry[];

beforeAll(async () => {
  store = await createTestStore('embedded');
  const response = await store.app.inject('/openapi.json');
  expect(response.statusCode).toBe(200);
  document = response.json();
  entries = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => httpMethods.has(method))
      .map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
      })),
  );
});

afterAll(async () => {
  await store?.close();
});

describe('the OpenAPI document', () => {
  it('documents the API’s routes and none of the hidden ones', () => {
    expect(entries.length).toBeGreaterThan(10);
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(expect.arrayContaining(['/health', '/api/v1/me', '/api/v1/products']));
    for (const hidden of ['/metrics', '/openapi.json', '/docs'])
      expect(paths).not.toContain(hidden);
  });

  it('gives every operation a unique operationId, a summary and a tag', () => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const { name, operation } of entries) {
      const id = operation.operationId;
      if (!id) problems.push(`${name}: no operationId`);
      else if (seen.has(id))
        problems.push(`${name}: operationId ${id} also used by ${seen.get(id)}`);
      else seen.set(id, name);
      if (!operation.summary?.trim()) problems.push(`${name}: no summary`);
      if (!operation.tags?.length) problems.push(`${name}: no tag`);
    }
    expect(problems).toEqual([]);
  });

  it('declares the bearer scheme, and bearer security on every route that takes a token', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    const schemes = Object.keys(document.components.securitySchemes ?? {});
    const problems: string[] = [];
    let secured = 0;
    for (const { name, path, operation } of entries) {
      const security = operation.security ?? [];
      for (const requirement of security) {
        for (const scheme of Object.keys(requirement)) {
          if (!schemes.includes(scheme)) problems.push(`${name}: undeclared scheme ${scheme}`);
        }
      }
      const bearer = security.some((requirement) => 'bearerAuth' in requirement);
      const anonymousToo = security.some((requirement) => Object.keys(requirement).length === 0);
      if (bearer) secured++;
      if (/^\/api\/v1\/(me|admin|orders)(\/|$)/.test(path) && !bearer) {
        problems.push(`${name}: no bearer security`);
      }
      if (/^\/api\/v1\/admin(\/|$)/.test(path) && anonymousToo) {
        problems.push(`${name}: an admin route documented as open to anonymous callers`);
      }
      if (bearer && !operation.responses['401']) problems.push(`${name}: bearer but no 401`);
    }
    expect(problems).toEqual([]);
    expect(secured).toBeGreaterThan(0);
  });

  it('matches what the server enforces: secured operations refuse a bad token, others ignore it', async () => {
    const problems: string[] = [];
    for (const { name, method, path, operation } of entries) {
      const security = operation.security ?? [];
      const bearer = security.some((requirement) => 'bearerAuth' in requirement);
      const required = bearer && !security.some((r) => Object.keys(r).length === 0);
      const url = concreteUrl(path);
      const call = async (authorization?: string) =>
        (
          await store.app.inject({
            method: method as 'GET',
            url,
            headers: authorization ? { authorization } : {},
          })
        ).statusCode;
      const withBadToken = await call('Bearer not.a.token');
      const withoutToken = await call();
      if (bearer && withBadToken !== 401) {
        problems.push(`${name}: documented as secured, answered ${withBadToken} to a bad token`);
      }
      if (required && withoutToken !== 401) {
        problems.push(`${name}: documented as requiring a token, answered ${withoutToken} without`);
      }
      if (!bearer && withBadToken === 401 && withoutToken !== 401) {
        problems.push(`${name}: the server checks the token but the document declares no security`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents every 4xx and 5xx as application/problem+json with an example', () => {
    const problem = document.components.schemas.Problem;
    expect(problem?.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code']));
    const problems: string[] = [];
    let documented = 0;
    for (const { name, operation } of entries) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status)) continue;
        documented++;
        const where = `${name} ${status}`;
        const types = Object.keys(response.content ?? {});
        if (types.length !== 1 || types[0] !== problemType) {
          problems.push(`${where}: content types ${types.join(', ') || 'none'}`);
          continue;
        }
        const media = response.content?.[problemType];
        const schema = media?.schema;
        if (
          schema?.$ref !== '#/components/schemas/Problem' &&
          !schema?.required?.includes('code')
        ) {
          problems.push(`${where}: the schema is not a problem`);
        }
        const example = problemSchema.safeParse(media?.example);
        if (!example.success) problems.push(`${where}: no problem example`);
        else if (example.data.status !== Number(status)) {
          problems.push(`${where}: the example's status is ${example.data.status}`);
        } else if (!/^[a-z]+(_[a-z]+)*$/.test(example.data.code)) {
          problems.push(`${where}: the example's code is ${example.data.code}`);
        }
        if (!response.description || response.description === 'Default Response') {
          problems.push(`${where}: no description`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(documented).toBeGreaterThan(entries.length);
  });

  it('describes the problems any request can get before it reaches an operation', () => {
    const { description } = (document as unknown as { info: { description: string } }).info;
    for (const problem of [
      '413 payload_too_large',
      '414 uri_too_long',
      '415 unsupported_media_type',
      '431 headers_too_large',
      '400 malformed_url',
    ]) {
      expect(description).toContain(problem);
    }
  });

  it('lists the problems the platform can produce on each route', () => {
    const problems: string[] = [];
    for (const { name, operation } of entries) {
      const statuses = Object.keys(operation.responses);
      const expected = ['500'];
      const takesInput =
        operation.requestBody !== undefined || (operation.parameters?.length ?? 0) > 0;
      if (takesInput) expected.push('400');
      if (operation.requestBody !== undefined) expected.push('413', '415');
      if (operation.security?.some((requirement) => 'bearerAuth' in requirement)) {
        expected.push('401');
      }
      for (const status of expected) {
        if (!statuses.includes(status)) problems.push(`${name}: no ${status}`);
      }
    }
    expect(problems).toEqual([]);
    // Rate-limited and admin routes get 429 and 403 (spot checks: the rules come from `config`).
    expect(Object.keys(document.paths['/api/v1/auth/login']?.post?.responses ?? {})).toContain(
      '429',
    );
    expect(Object.keys(document.paths['/api/v1/admin/customers']?.get?.responses ?? {})).toContain(
      '403',
    );
  });

  it('gives 202 and 204 responses no content, and sends them with no body', async () => {
    const problems: string[] = [];
    let bodiless = 0;
    for (const { name, operation } of entries) {
      for (const status of ['202', '204']) {
        const response = operation.responses[status];
        if (!response) continue;
        bodiless++;
        if (response.content) problems.push(`${name} ${status}: has content`);
      }
    }
    expect(problems).toEqual([]);
    expect(bodiless).toBeGreaterThan(0);

    const reset = await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: 'nobody@example.com' },
    });
    expect(reset.statusCode).toBe(202);
    expect(reset.body).toBe('');
    expect(reset.headers['content-type']).toBeUndefined();
  });
});

describe('the route documentation hook', () => {
  it('derives security and problems from a route’s declarations, keeping its own examples', async () => {
    const app = await bareApp();
    const conflict = problemSchema.extend({ holder: z.string() }).meta({
      examples: [{ type: 't', title: 'Conflict', status: 409, code: 'taken', holder: 'x' }],
    });
    app.post(
      '/api/v1/admin/things',
      {
        config: { auth: 'admin', rateLimit: { max: 5, timeWindow: 60_000 } },
        schema: {
          operationId: 'createThing',
          summary: 'Create a thing',
          tags: ['admin'],
          body: z.object({ name: z.string() }),
          response: { 204: z.null(), 409: conflict, ...problemResponses(404) },
        },
      },
      async (_request, reply) => reply.status(204).send(null),
    );
    app.get(
      '/api/v1/things',
      {
        config: { auth: 'optional' },
        schema: { operationId: 'listThings', summary: 'Things', tags: ['catalog'] },
      },
      async () => ({ items: [] }),
    );
    await app.ready();
    const spec = app.swagger() as unknown as OpenApiDocument;
    const create = spec.paths['/api/v1/admin/things']?.post;
    expect(create?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual(
      ['204', '400', '401', '403', '404', '409', '413', '415', '429', '500', '503'].sort(),
    );
    expect(create?.responses['204']?.content).toBeUndefined();
    expect(create?.responses['409']?.content?.[problemType]?.example).toMatchObject({
      code: 'taken',
    });
    expect(create?.responses['404']?.content?.[problemType]?.example).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    const list = spec.paths['/api/v1/things']?.get;
    expect(list?.security).toEqual([{}, { bearerAuth: [] }]);
    expect(Object.keys(list?.responses ?? {})).toEqual(
      expect.arrayContaining(['401', '500', '503']),
    );
    expect(list?.responses['403']).toBeUndefined();
    await app.close();
  });

  it('refuses a 202 or 204 declared with a body', async () => {
    const app = await bareApp();
    const register = () =>
      app.post(
        '/api/v1/jobs',
        {
          config: { auth: 'public' },
          schema: { response: { 202: z.object({ id: z.string() }) } },
        },
        async (_request, reply) => reply.status(202).send({ id: '1' }),
      );
    await expect(async () => {
      register();
      await app.ready();
    }).rejects.toThrow(/POST \/api\/v1\/jobs: a 202 response has no body/);
    await app.close();
  });
});

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toBe(
    "default-src 'none';frame-ancestors 'none'",
  );
  expect(response.headers['x-frame-options']).toBe('DENY');
  const body = JSON.parse(response.body) as unknown;
  expect(problemSchema.parse(body)).toMatchObject({ status, code });
}

describe('errors Fastify meets before a route runs are problems too', () => {
  it('answers a URL that does not decode with 400 malformed_url', async () => {
    const response = await store.app.inject('/api/v1/products/%E0%A4%A');
    expectProblem(response, 400, 'malformed_url');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('answers an over-long path parameter with 414 uri_too_long', async () => {
    const response = await store.app.inject(`/api/v1/products/${'a'.repeat(201)}`);
    expectProblem(response, 414, 'uri_too_long');
    // At the limit the router still matches and the route answers.
    expect((await store.app.inject(`/api/v1/products/${'a'.repeat(200)}`)).statusCode).toBe(404);
  });

  it('answers a method no route serves with 501, and a served one on an unknown path with 404', async () => {
    const response = await store.app.inject({ method: 'PROPFIND', url: '/api/v1/products' });
    expectProblem(response, 501, 'method_not_implemented');
    expectProblem(
      await store.app.inject({ method: 'POST', url: '/api/v1/nothing' }),
      404,
      'not_found',
    );
    expect((await store.app.inject({ method: 'HEAD', url: '/api/v1/nothing' })).statusCode).toBe(
      404,
    );
  });

  it('answers a body over 1 MiB with 413, a non-JSON body with 415, malformed JSON with 400', async () => {
    const post = (contentType: string, payload: string) =>
      store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': contentType },
        payload,
      });
    expectProblem(
      await post('application/json', JSON.stringify({ email: 'x'.repeat(1024 * 1024) })),
      413,
      'payload_too_large',
    );
    expectProblem(await post('text/xml', '<login/>'), 415, 'unsupported_media_type');
    expectProblem(await post('application/json', '{"email":'), 400, 'malformed_json');
  });

  describe('on a listening server', () => {
    let port = 0;
    beforeAll(async () => {
      await store.app.listen({ port: 0, host: '127.0.0.1' });
      port = (store.app.server.address() as { port: number }).port;
    });

    /** Write bytes as they are and read the whole answer: requests no HTTP client would send. */
    const exchange = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(request));
        let answer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (answer += chunk));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });

    const parse = (answer: string) => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      return { statusCode: Number(statusLine.split(' ')[1]), headers, body };
    };

    it('answers headers over 16 KiB with 431 headers_too_large', async () => {
      const response = await new Promise<{
        statusCode: number;
        headers: Record<string, unknown>;
        body: string;
      }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/products',
            headers: { 'x-padding': 'a'.repeat(17 * 1024) },
          },
          (reply) => {
            let body = '';
            reply.setEncoding('utf8');
            reply.on('data', (chunk: string) => (body += chunk));
            reply.on('end', () =>
              resolve({ statusCode: reply.statusCode ?? 0, headers: reply.headers, body }),
            );
          },
        );
        request.on('error', reject);
        request.end();
      });
      expectProblem(response, 431, 'headers_too_large');
      // Just under the limit is served.
      const fits = await fetch(`http://127.0.0.1:${port}/health`, {
        headers: { 'x-padding': 'a'.repeat(15 * 1024) },
      });
      expect(fits.status).toBe(200);
    });

    it('answers a request line that is not HTTP with 400 bad_request', async () => {
      const response = parse(await exchange('GET /health HTTP/9\r\n\r\n'));
      expectProblem(response, 400, 'bad_request');
      expect(response.headers.connection).toBe('close');
    });

    it('answers a method token the parser does not know with 501', async () => {
      const response = parse(
        await exchange('FROB /api/v1/products HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      );
      expectProblem(response, 501, 'method_not_implemented');
    });
  });
});
