import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sqlState } from '../db/sql-errors.js';
import {
  DomainError,
  RateLimited,
  ValidationFailed,
  type ErrorKind,
  type FieldProblem,
} from '../errors.js';

/**
 * RFC 9457 problem details. Every error leaves the API through the one error handler below, so
 * clients can rely on a stable `code` and never see a stack trace or SQL. Services throw domain
 * errors (`../errors.ts`); this is the one place that turns them into HTTP.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly headers?: Record<string, string>,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

const statusOfKind: Record<ErrorKind, [number, string]> = {
  invalid: [400, 'Bad Request'],
  unauthenticated: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not Found'],
  conflict: [409, 'Conflict'],
  unprocessable: [422, 'Unprocessable Content'],
  too_large: [413, 'Payload Too Large'],
  unsupported_media: [415, 'Unsupported Media Type'],
  rate_limited: [429, 'Too Many Requests'],
  unavailable: [503, 'Service Unavailable'],
};

export function fromDomainError(error: DomainError): HttpProblem {
  const [status, title] = statusOfKind[error.kind];
  const headers: Record<string, string> = {};
  if (error.kind === 'unauthenticated') headers['www-authenticate'] = 'Bearer';
  if (error instanceof RateLimited) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  }
  const { errors, ...extensions } = error.extensions as { errors?: FieldProblem[] };
  return new HttpProblem(
    status,
    error.code,
    error instanceof ValidationFailed ? 'Validation Failed' : title,
    error.detail,
    errors,
    headers,
    extensions,
  );
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

/** The title and generic `code` of each status the API answers with a problem. */
export const problemTitles: Record<number, [title: string, code: string]> = {
  400: ['Bad Request', 'bad_request'],
  401: ['Unauthorized', 'unauthorized'],
  403: ['Forbidden', 'forbidden'],
  404: ['Not Found', 'not_found'],
  405: ['Method Not Allowed', 'method_not_allowed'],
  406: ['Not Acceptable', 'not_acceptable'],
  408: ['Request Timeout', 'request_timeout'],
  409: ['Conflict', 'conflict'],
  413: ['Payload Too Large', 'payload_too_large'],
  414: ['URI Too Long', 'uri_too_long'],
  415: ['Unsupported Media Type', 'unsupported_media_type'],
  422: ['Unprocessable Content', 'unprocessable'],
  429: ['Too Many Requests', 'rate_limited'],
  431: ['Request Header Fields Too Large', 'headers_too_large'],
  500: ['Internal Server Error', 'internal_error'],
  501: ['Not Implemented', 'method_not_implemented'],
  503: ['Service Unavailable', 'service_unavailable'],
};

/**
 * Input the schemas let through but the database refuses (a NUL character, a number out of range)
 * is still the client's mistake, and a lost race on a unique key is a conflict: neither is a 500.
 */
function databaseProblem(state: string | undefined): HttpProblem | undefined {
  if (!state) return undefined;
  // Class 22 is "data exception": a value the database cannot take (too long, out of range, a date
  // past year 9999, a NUL character...). The schemas let it through, but it is still the client's.
  if (state.startsWith('22')) {
    return new HttpProblem(
      400,
      'invalid_input',
      'Bad Request',
      'A value in the request cannot be stored or searched.',
    );
  }
  if (state === '23505') {
    return new HttpProblem(
      409,
      'conflict',
      'Conflict',
      'The request conflicts with data that changed meanwhile; try again.',
    );
  }
  if (state === '23514') {
    return new HttpProblem(
      409,
      'conflict',
      'Conflict',
      'The request would break a rule of the stored data; nothing was changed.',
    );
  }
  if (state === '40001' || state === '40P01') {
    return new HttpProblem(
      409,
      'conflict',
      'Conflict',
      'The request collided with another one; try again.',
    );
  }
  return undefined;
}

function toProblem(error: FastifyError | HttpProblem | DomainError): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  const fromDatabase = databaseProblem(sqlState(error));
  if (fromDatabase) return fromDatabase;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where =
      error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request');
    // A refinement may name the problem it stands for (`params: { problem }`, as a country does):
    // when every issue names the same one, that is the problem's code.
    const named = new Set(
      error.validation.map(
        (issue) => (issue.params as { params?: { problem?: string } }).params?.problem,
      ),
    );
    const [only] = named;
    return fromDomainError(
      new ValidationFailed(
        error.validation.map((issue) => ({
          path: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
          message: issue.message ?? 'is invalid',
        })),
        undefined,
        named.size === 1 && only ? only : undefined,
      ),
    );
  }
  // Fastify's own client errors: malformed JSON, wrong content type, body too large...
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    if (
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return new HttpProblem(
        400,
        'malformed_json',
        'Malformed JSON',
        'The request body is not valid JSON.',
      );
    }
    const [title, code] = problemTitles[status] ?? ['Bad Request', 'bad_request'];
    return new HttpProblem(status, code, title, error.message);
  }
  return new HttpProblem(
    500,
    'internal_error',
    'Internal Server Error',
    'Something went wrong on our side.',
  );
}

export function problemBody(problem: HttpProblem) {
  return {
    type: `https://stride.dev/problems/${problem.code.replaceAll('_', '-')}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    code: problem.code,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...problem.extensions,
  };
}

/** Send a problem document; the one way every problem leaves through a Fastify reply. */
export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  return (
    reply
      .status(problem.status)
      .headers(problem.headers ?? {})
      .type('application/problem+json')
      // Serialised here, not by the route's response schema: a problem is not the route's 200 shape.
      .serializer((payload) => JSON.stringify(payload))
      .send(problemBody(problem))
  );
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem | DomainError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    sendProblem(reply, problem);
  });
  // Methods that some route serves. Fastify sends a request whose method no route serves (PROPFIND,
  // say) to the not-found handler; no resource here supports it, which is a 501 (RFC 9110 §15.6.2),
  // not a 404 that would suggest another path might work.
  const served = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) served.add(method);
  });
  app.setNotFoundHandler((request, reply) => {
    if (!served.has(request.method)) {
      sendProblem(
        reply,
        new HttpProblem(
          501,
          'method_not_implemented',
          'Not Implemented',
          `This API does not support the method ${request.method}.`,
        ),
      );
      return;
    }
    sendProblem(
      reply,
      new HttpProblem(
        404,
        'not_found',
        'Not Found',
        `No route for ${request.method} ${request.url.split('?')[0]}.`,
      ),
    );
  });
}

/**
 * Response schemas for a route's problem statuses. The OpenAPI hook (openapi.ts) documents each as
 * `application/problem+json` with an example, and adds the statuses every route can produce.
 */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<
    number,
    typeof problemSchema
  >;
