import type { FastifyRequest } from 'fastify';
import { isLocalOrigin } from '../local-origin.js';

/**
 * The origin the shopper's browser is on, when it is a local one (see `isLocalOrigin`): the
 * request's Origin header (sent with the storefront's POSTs, and kept by a development proxy that
 * rewrites Host), else its scheme and Host. Undefined otherwise. Only for a store without
 * PUBLIC_URL, which has no other way to know where its shoppers are.
 */
export function shopperOrigin(request: FastifyRequest): string | undefined {
  const header = request.headers.origin;
  const candidate =
    typeof header === 'string' && header !== 'null'
      ? header
      : `${request.protocol}://${request.host}`;
  return isLocalOrigin(candidate) ? candidate : undefined;
}
