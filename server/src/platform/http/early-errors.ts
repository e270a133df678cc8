import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { HttpProblem, problemBody, sendProblem } from './problem.js';
import { apiSecurityHeaders } from './security-headers.js';

/** The longest path parameter the router accepts (a slug, an id); longer answers 414. */
export const maxParamLength = 200;
/** Node's limit on the request line and headers together; larger answers 431. */
export const maxHeaderBytes = 16 * 1024;

/**
 * Answers for errors met before a request reaches a route, and so before the hooks that add the
 * security headers and the error handler that writes problems: a URL the router cannot decode or
 * whose parameter is too long (Fastify's `frameworkErrors`), and requests Node's HTTP parser refuses
 * before Fastify sees them (`clientErrorHandler`). Fastify's defaults answer these with its own JSON
 * shape and no security headers; here they are problem documents like every other error. A problem
 * is never rendered as a page, so it always gets the API's header set, whatever the path.
 */
export function earlyErrorHandlers() {
  const headers = apiSecurityHeaders();

  function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const problem = frameworkProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    sendProblem(reply.headers(headers).header('x-request-id', request.id), problem);
  }

  function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket) {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem = clientProblem(error);
    this.log.debug({ err: error }, 'client error');
    if (socket.writable) socket.write(rawResponse(problem, headers));
    // The parser cannot resume mid-stream, so the connection ends here (as Node's default does).
    socket.destroy();
  }

  return { frameworkErrors, clientErrorHandler };
}

function frameworkProblem(error: FastifyError): HttpProblem {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new HttpProblem(
        400,
        'malformed_url',
        'Bad Request',
        'The URL path contains a percent-encoded sequence that is not valid UTF-8.',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem(
        414,
        'uri_too_long',
        'URI Too Long',
        `A path segment is longer than ${maxParamLength} characters.`,
      );
    default:
      return new HttpProblem(
        500,
        'internal_error',
        'Internal Server Error',
        'Something went wrong on our side.',
      );
  }
}

function clientProblem(error: ConnectionError): HttpProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpProblem(
        431,
        'headers_too_large',
        'Request Header Fields Too Large',
        `The request line and headers exceed ${maxHeaderBytes / 1024} KiB.`,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpProblem(
        408,
        'request_timeout',
        'Request Timeout',
        'The request did not arrive in time.',
      );
    // A method token Node's parser does not know: no resource here supports it (RFC 9110 §15.6.2).
    case 'HPE_INVALID_METHOD':
      return new HttpProblem(
        501,
        'method_not_implemented',
        'Not Implemented',
        'This API does not support that method.',
      );
    default:
      return new HttpProblem(400, 'bad_request', 'Bad Request', 'The request is not valid HTTP.');
  }
}

/** A whole HTTP/1.1 response, for a socket no Fastify reply exists for. */
function rawResponse(problem: HttpProblem, headers: Record<string, string>): string {
  const body = JSON.stringify(problemBody(problem));
  const lines = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? problem.title}`,
    'content-type: application/problem+json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
