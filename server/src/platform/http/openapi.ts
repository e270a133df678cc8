import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema, onSendHookHandler, RouteOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { globalRegistry, $ZodType } from 'zod/v4/core';
import { registerPublicPlugin } from './auth.js';
import { HttpProblem, problemBody, problemSchema, problemTitles } from './problem.js';

/**
 * The OpenAPI document, made to say exactly what the server does. Route files declare their own
 * success shapes and the problems their handlers raise; what every route gets from the platform is
 * added here, once, from what the route declares to the platform:
 *
 * - `config.auth` → the bearer security requirement, a 401 (and 503: sign-in checks need the cache),
 *   a 403 for admin routes;
 * - a request body (a body schema, or POST, PUT, PATCH) → 400, 413 and 415; a query, path or
 *   header schema → 400;
 * - `config.rateLimit` → 429; and a 500 on every route.
 *
 * Every 4xx and 5xx is documented as `application/problem+json` with an example (a problem schema's
 * own `.meta({ examples })` when it has one, for a route-specific code), and 202 and 204 carry no
 * body, in the document and on the wire. An `onRoute` hook does it, registered before
 * @fastify/swagger so the plugin records the completed schema; domain routes need do nothing.
 */

const problemMediaType = 'application/problem+json';

/** Statuses that carry no body in this API. */
const bodilessStatuses = new Set(['202', '204']);

const bearerAuth = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'The access token from sign-in or refresh: `Authorization: Bearer <token>`.',
} as const;

/** What a status's problem means on any route; a route may say more with `.describe()`. */
const descriptions: Record<number, string> = {
  400: 'The request is not valid: malformed JSON, or fields that break the schema (see `errors`)',
  401: 'No valid access token (or, on sign-in routes, wrong credentials)',
  403: 'The signed-in account may not do this',
  404: 'Not found',
  409: 'The request conflicts with the current state',
  413: 'The request body is larger than the server accepts',
  415: 'The request body is not JSON',
  422: 'The request is well-formed but cannot be carried out',
  429: 'Too many requests; retry after `Retry-After` seconds',
  500: 'An unexpected failure on the server',
  503: 'A backend the request needs is unavailable; retry shortly',
};

const examples: Record<number, HttpProblem> = {
  400: new HttpProblem(400, 'validation_failed', 'Validation Failed', 'The request is not valid.', [
    { path: 'body.email', message: 'Invalid email address' },
  ]),
  401: new HttpProblem(401, 'unauthorized', 'Unauthorized', 'Sign in to continue.'),
  403: new HttpProblem(403, 'forbidden', 'Forbidden', 'Your account may not do this.'),
  404: new HttpProblem(404, 'not_found', 'Not Found', 'The requested resource does not exist.'),
  409: new HttpProblem(
    409,
    'conflict',
    'Conflict',
    'The request conflicts with data that changed meanwhile; try again.',
  ),
  413: new HttpProblem(413, 'payload_too_large', 'Payload Too Large', 'Request body is too large'),
  415: new HttpProblem(
    415,
    'unsupported_media_type',
    'Unsupported Media Type',
    'Unsupported Media Type: text/plain',
  ),
  429: new HttpProblem(
    429,
    'rate_limited',
    'Too Many Requests',
    'Too many requests; try again in 1 minute.',
  ),
  500: new HttpProblem(
    500,
    'internal_error',
    'Internal Server Error',
    'Something went wrong on our side.',
  ),
  503: new HttpProblem(
    503,
    'service_unavailable',
    'Service Unavailable',
    'Sign-in checks are unavailable; try again shortly.',
  ),
};

/** Response headers worth knowing about, as JSON Schemas (carried into the document by `transform`). */
const problemHeaders: Record<number, Record<string, object>> = {
  401: { 'WWW-Authenticate': { type: 'string', description: 'Always `Bearer`' } },
  429: {
    'Retry-After': { type: 'integer', minimum: 1, description: 'Seconds until a retry can pass' },
  },
};

/** '404' → 404; '4xx' / '5XX' → 400 / 500. */
const numericStatus = (status: string) => Number(status) || (status.startsWith('4') ? 400 : 500);

function exampleFor(status: number) {
  const known = examples[status];
  if (known) return problemBody(known);
  const [title, code] = problemTitles[status] ?? [status < 500 ? 'Bad Request' : 'Error', 'error'];
  return problemBody(new HttpProblem(status, code, title, `${title}.`));
}

interface Media {
  schema: unknown;
  example?: unknown;
  examples?: unknown;
}
interface ContentResponse {
  description?: string;
  content: Record<string, Media>;
  headers?: Record<string, object>;
}

const isContentResponse = (value: unknown): value is ContentResponse =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof $ZodType) &&
  typeof (value as { content?: unknown }).content === 'object' &&
  (value as { content?: unknown }).content !== null;

const metaOf = (schema: unknown) =>
  schema instanceof $ZodType
    ? (globalRegistry.get(schema) as { description?: string; examples?: unknown[] } | undefined)
    : undefined;

/**
 * A declared problem response (a zod schema, or already `{ content }`), as one
 * `application/problem+json` media type with an example: the schema's own `examples` meta when it
 * has one (a route-specific code), else the generic problem for the status.
 */
function problemResponse(status: string, declared: unknown): ContentResponse {
  const numeric = numericStatus(status);
  const media: Media = isContentResponse(declared)
    ? (declared.content[problemMediaType] ??
      declared.content['application/json'] ??
      Object.values(declared.content)[0] ?? { schema: problemSchema })
    : { schema: declared };
  const meta = metaOf(media.schema);
  const headers = {
    ...problemHeaders[numeric],
    ...(isContentResponse(declared) ? declared.headers : {}),
  };
  return {
    description:
      (isContentResponse(declared) ? declared.description : undefined) ??
      meta?.description ??
      descriptions[numeric] ??
      problemTitles[numeric]?.[0] ??
      'A problem',
    content: {
      [problemMediaType]: {
        ...media,
        ...(media.example === undefined && media.examples === undefined
          ? { example: meta?.examples?.[0] ?? exampleFor(numeric) }
          : {}),
      },
    },
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

const isNullSchema = (value: unknown) =>
  value instanceof $ZodType && value._zod.def.type === 'null';

/** The problem statuses a route can produce through the platform, whatever its handler does. */
function platformStatuses(route: RouteOptions, schema: FastifySchema & { query?: unknown }) {
  const statuses = new Set([500]);
  const auth = route.config?.auth;
  if (auth === 'optional' || auth === 'customer' || auth === 'admin') {
    statuses.add(401);
    statuses.add(503);
  }
  if (auth === 'admin') statuses.add(403);
  // Fastify parses a JSON body on these methods whether or not a schema describes it.
  const takesBody =
    schema.body !== undefined ||
    [route.method].flat().some((method) => ['POST', 'PUT', 'PATCH'].includes(method));
  if (takesBody) [400, 413, 415].forEach((status) => statuses.add(status));
  if (schema.querystring ?? schema.query ?? schema.params ?? schema.headers) statuses.add(400);
  if (route.config?.rateLimit) statuses.add(429);
  return statuses;
}

/** Complete one route's schema; see the comment at the top. Idempotent. */
function documentRoute(route: RouteOptions): void {
  const schema: FastifySchema & { query?: unknown } = route.schema ?? {};
  if (schema.hide) return;
  const name = `${[route.method].flat().join(',')} ${route.url}`;
  const response: Record<string, unknown> = { ...(schema.response as object | undefined) };
  for (const status of platformStatuses(route, schema)) {
    if (!(String(status) in response)) response[status] = problemSchema;
  }
  const bodiless = new Set<number>();
  for (const [status, declared] of Object.entries(response)) {
    if (/^[45]/.test(status)) response[status] = problemResponse(status, declared);
    if (bodilessStatuses.has(status)) {
      // Refused at start-up rather than documented wrongly or stripped on the wire without a word.
      if (!isNullSchema(declared)) {
        throw new Error(`${name}: a ${status} response has no body; declare it as z.null()`);
      }
      bodiless.add(Number(status));
    }
  }
  const auth = route.config?.auth;
  const security =
    auth === 'customer' || auth === 'admin'
      ? [{ bearerAuth: [] }]
      : auth === 'optional'
        ? [{}, { bearerAuth: [] }]
        : schema.security;
  route.schema = { ...schema, response, ...(security ? { security } : {}) };

  if (bodiless.size > 0) {
    // A handler's `send(null)` would otherwise go out as the four bytes `null` under a JSON type.
    const noBody: onSendHookHandler = (_request, reply, _payload, done) => {
      if (!bodiless.has(reply.statusCode)) return done();
      reply.removeHeader('content-type');
      done(null, null);
    };
    const existing = route.onSend;
    route.onSend = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), noBody];
  }
}

/**
 * fastify-type-provider-zod's transform turns zod into JSON Schema but keeps only `schema` of each
 * media type and the description of each `{ content }` response; the examples and headers that
 * `documentRoute` adds are carried over here.
 */
const transform: typeof jsonSchemaTransform = (input) => {
  const output = jsonSchemaTransform(input);
  const declared = input.schema.response as Record<string, unknown> | undefined;
  const transformed = output.schema.response as Record<string, ContentResponse> | undefined;
  if (!declared || !transformed) return output;
  for (const [status, response] of Object.entries(declared)) {
    const target = transformed[status];
    if (!isContentResponse(response) || !target?.content) continue;
    for (const [type, media] of Object.entries(response.content)) {
      const into = target.content[type];
      if (!into) continue;
      if (media.example !== undefined) into.example = media.example;
      if (media.examples !== undefined) into.examples = media.examples;
    }
    if (response.headers) target.headers = response.headers;
  }
  return output;
};

/** The document at /openapi.json and the reference at /docs, with every route completed first. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', documentRoute);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stride store API',
        version: '1.0.0',
        description: [
          'The REST API of the Stride athletic apparel store. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
          '',
          'Besides the statuses listed per operation, any request may get these, as problems with the same security headers, before it reaches an operation:',
          '',
          '- `400 malformed_url`: a path with a percent-encoded sequence that is not valid UTF-8; `400 bad_request`: a request line that is not HTTP.',
          '- `413 payload_too_large`: a body over 1 MiB (256 KiB for payment webhooks).',
          '- `414 uri_too_long`: a path segment over 200 characters.',
          '- `415 unsupported_media_type`: a body that is not `application/json` where JSON is expected.',
          '- `431 headers_too_large`: a request line and headers over 16 KiB together.',
          '- `501 method_not_implemented`: a method the server does not implement.',
        ].join('\n'),
      },
      tags: [
        { name: 'catalog', description: 'Categories, product listings, search and product pages' },
        {
          name: 'auth',
          description: 'Sign-up, sign-in, token refresh and sign-out, password reset',
        },
        { name: 'account', description: 'The signed-in customer: profile, password, address book' },
        {
          name: 'cart',
          description: 'Carts for guests and customers, re-priced from the catalog on every answer',
        },
        { name: 'checkout', description: 'Shipping methods and what an order will cost' },
        {
          name: 'orders',
          description: 'Placing orders (idempotent), reading, listing and cancelling them',
        },
        {
          name: 'payments',
          description: "Payment providers' signed webhooks (the local gateway, Stripe)",
        },
        { name: 'admin', description: 'Store administration (role admin)' },
        { name: 'operations', description: 'Health, readiness and metrics' },
      ],
      components: { securitySchemes: { bearerAuth } },
    },
    transform,
    transformObject: jsonSchemaTransformObject,
  });
  await registerPublicPlugin(app, swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
      app.swagger(),
    );
}
