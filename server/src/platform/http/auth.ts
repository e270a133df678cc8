import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cache } from '../cache/port.js';
import { HttpProblem } from './problem.js';

/**
 * Authentication and authorisation, declared on the route: `config: { auth: 'customer' }` needs any
 * signed-in user, `'admin'` an administrator, `'optional'` reads a token when one is sent. Routes
 * without `auth` are public and never look at the Authorization header.
 */
export type AuthRequirement = 'optional' | 'customer' | 'admin';
export type Role = 'customer' | 'admin';

/** Who is acting: always taken from a verified token, never from a request body. */
export interface Actor {
  id: string;
  role: Role;
  sessionId: string;
}

interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** The actor of a valid access token, or null for none or an invalid one; never throws. */
    identify(request: FastifyRequest): Promise<Actor | null>;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims;
  }
}

export const unauthorized = (detail = 'Sign in to continue.') =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, undefined, {
    'www-authenticate': 'Bearer',
  });
export const forbidden = () =>
  new HttpProblem(403, 'forbidden', 'Forbidden', 'Your account may not do this.');

/** Key under which a revoked session's id is kept until its last access token has expired. */
export const revokedSessionKey = (sessionId: string) => `auth:revoked-session:${sessionId}`;

export interface AuthOptions {
  secret: string;
  accessTokenTtlSeconds: number;
  cache: Cache;
}

export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(cookie);
  await app.register(jwt, {
    secret: options.secret,
    // The algorithm is pinned: `alg: none` and tokens signed any other way are refused.
    sign: { algorithm: 'HS256', expiresIn: options.accessTokenTtlSeconds },
    verify: { algorithms: ['HS256'] },
  });
  app.decorateRequest('actor', null);

  // The check is attached to the routes that declare it, so public routes pay nothing for it.
  app.addHook('onRoute', (route) => {
    const requirement = route.config?.auth;
    if (!requirement) return;
    const check = async (request: FastifyRequest) => {
      request.actor = await authenticate(request, options.cache, requirement === 'optional');
      if (requirement === 'admin' && request.actor?.role !== 'admin') throw forbidden();
    };
    const existing = route.onRequest;
    route.onRequest = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), check];
  });
  app.decorate('identify', (request: FastifyRequest) =>
    authenticate(request, options.cache, true).catch(() => null),
  );
}

async function authenticate(
  request: FastifyRequest,
  cache: Cache,
  optional: boolean,
): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (!header) {
    if (optional) return null;
    throw unauthorized();
  }
  // The scheme is case-insensitive (RFC 9110); the token itself is base64url.
  if (!/^Bearer [A-Za-z0-9._~+/-]+=*$/i.test(header))
    throw unauthorized('Send the access token as "Authorization: Bearer <token>".');
  let claims: AccessClaims;
  try {
    claims = await request.jwtVerify<AccessClaims>();
  } catch {
    throw unauthorized('The access token is invalid or has expired.');
  }
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.sid !== 'string' ||
    (claims.role !== 'customer' && claims.role !== 'admin')
  ) {
    throw unauthorized('The access token is invalid or has expired.');
  }
  let revoked: string | null;
  try {
    revoked = await cache.get(revokedSessionKey(claims.sid));
  } catch {
    // Fail closed: without the denylist a signed-out token could still be used.
    throw new HttpProblem(
      503,
      'service_unavailable',
      'Service Unavailable',
      'Sign-in checks are unavailable; try again shortly.',
    );
  }
  if (revoked !== null) throw unauthorized('This session has ended; sign in again.');
  return { id: claims.sub, role: claims.role, sessionId: claims.sid };
}

/** The acting user of a route declared with `auth: 'customer'` or `'admin'`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
