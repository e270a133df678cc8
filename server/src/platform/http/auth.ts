import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify';
import type { Cache } from '../cache/port.js';
import type { Actor, Context, Role } from '../context.js';
import { Forbidden, Unauthenticated, Unavailable } from '../errors.js';
import {
  revokedSessionKey,
  sessionFactsKey,
  type SessionDirectory,
  type SessionFacts,
} from '../session-facts.js';

/**
 * Authentication and authorisation, declared on every route: `config: { auth }` is `'public'` (no
 * token is looked at), `'optional'` (a guest or a signed-in user; a token, when sent, must be valid),
 * `'customer'` (any signed-in user) or `'admin'`. A route that declares nothing makes start-up fail:
 * nothing is served unprotected by omission, whatever order plugins register in. Routes that
 * third-party plugins add (the API reference, the storefront's files) are registered through
 * `registerPublicPlugin`, which declares them public.
 */
export type AuthRequirement = 'public' | 'optional' | 'customer' | 'admin';
export type { Actor, Role };

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

const sessionFactsSeconds = 30;
/** How far a token's times may be off this server's clock. */
export const clockSkewSeconds = 30;

export interface AuthOptions {
  secret: string;
  accessTokenTtlSeconds: number;
  cache: Cache;
  /**
   * The live facts of sessions. A token is accepted only if its session exists, has not ended and
   * belongs to the token's subject, and the role that counts is the account's role now, not the one
   * in the token. Absent only in an app without the accounts module (the platform's own tests).
   */
  sessions?: SessionDirectory;
}

const requirements = new Set<AuthRequirement>(['public', 'optional', 'customer', 'admin']);

export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  // Cookies are parsed only by the two routes that read one (refresh and sign-out), not for every
  // request: `hook: false` leaves `setCookie` and `parseCookie` and drops the per-request parse.
  await app.register(cookie, { hook: false });
  await app.register(jwt, {
    secret: options.secret,
    // The algorithm is pinned: `alg: none` and tokens signed any other way are refused.
    sign: { algorithm: 'HS256', expiresIn: options.accessTokenTtlSeconds },
    // Every claim the store relies on must be there; a token older than its lifetime is refused
    // whatever its `exp` says, and the clocks of several API processes may differ by a little.
    verify: {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub', 'sid', 'role'],
      clockTolerance: clockSkewSeconds * 1000,
      // In seconds here (@fastify/jwt converts it); clockTolerance goes to fast-jwt as it is, in ms.
      maxAge: options.accessTokenTtlSeconds + clockSkewSeconds,
    },
  });
  app.decorateRequest('actor', null);

  const check = async (request: FastifyRequest, requirement: AuthRequirement) => {
    if (requirement === 'public') return;
    request.actor = await authenticate(request, options, requirement === 'optional');
    if (requirement === 'admin' && request.actor?.role !== 'admin') throw new Forbidden();
  };
  const undeclared: { method: string | string[]; url: string; config?: { auth?: unknown } }[] = [];
  app.addHook('onRoute', (route) => {
    // CORS preflight (@fastify/cors): browsers send it without credentials, by specification.
    if (route.method === 'OPTIONS' && route.url === '*') {
      route.config = { ...route.config, auth: route.config?.auth ?? 'public' };
    }
    const declared = route.config?.auth;
    if (declared !== undefined && !requirements.has(declared)) {
      throw new Error(`${String(route.method)} ${route.url}: unknown auth requirement ${declared}`);
    }
    // Public routes pay nothing; the others get the check for exactly what they declared.
    let hook: onRequestHookHandler | undefined;
    if (declared === undefined) {
      // Declared later by a scope's own onRoute hook (registerPublicPlugin), or never: see onReady.
      undeclared.push(route);
      hook = (request, _reply, done) => {
        const requirement = request.routeOptions.config.auth;
        if (requirement === 'public') return done();
        check(request, requirement ?? 'admin').then(() => done(), done);
      };
    } else if (declared !== 'public') {
      hook = (request, _reply, done) => void check(request, declared).then(() => done(), done);
    }
    if (!hook) return;
    const existing = route.onRequest;
    route.onRequest = [hook, ...(Array.isArray(existing) ? existing : existing ? [existing] : [])];
  });
  app.addHook('onReady', async () => {
    const missing = undeclared.filter((route) => route.config?.auth === undefined);
    if (missing.length > 0) {
      const names = missing.map((route) => `${String(route.method)} ${route.url}`).join(', ');
      throw new Error(`routes without config.auth (public, optional, customer or admin): ${names}`);
    }
  });
  app.decorate('identify', (request: FastifyRequest) =>
    authenticate(request, options, true).catch(() => null),
  );
}

/** Register a third-party plugin whose routes are all public (documentation, static files). */
export async function registerPublicPlugin<Options extends FastifyPluginOptions>(
  app: FastifyInstance,
  plugin: FastifyPluginCallback<Options> | FastifyPluginAsync<Options>,
  options: Options,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: route.config?.auth ?? 'public' };
    });
    await scope.register(plugin as FastifyPluginAsync<Options>, options);
  });
}

/** A session's live facts, from the shared cache or, when not there, from the accounts module. */
async function sessionFacts(
  options: AuthOptions,
  sessions: SessionDirectory,
  sessionId: string,
): Promise<SessionFacts | null> {
  const cached = await options.cache.get(sessionFactsKey(sessionId));
  if (cached !== null) return JSON.parse(cached) as SessionFacts | null;
  const facts = await sessions.describe(sessionId);
  await options.cache.set(sessionFactsKey(sessionId), JSON.stringify(facts), sessionFactsSeconds);
  return facts;
}

async function authenticate(
  request: FastifyRequest,
  options: AuthOptions,
  optional: boolean,
): Promise<Actor | null> {
  const { cache } = options;
  const header = request.headers.authorization;
  if (!header) {
    if (optional) return null;
    throw new Unauthenticated();
  }
  // The scheme is case-insensitive (RFC 9110); the token itself is base64url.
  if (!/^Bearer [A-Za-z0-9._~+/-]+=*$/i.test(header))
    throw new Unauthenticated('Send the access token as "Authorization: Bearer <token>".');
  let claims: AccessClaims;
  try {
    claims = await request.jwtVerify<AccessClaims>();
  } catch {
    throw new Unauthenticated('The access token is invalid or has expired.');
  }
  const issuedAt = (claims as AccessClaims & { iat?: unknown }).iat;
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.sid !== 'string' ||
    (claims.role !== 'customer' && claims.role !== 'admin') ||
    typeof issuedAt !== 'number' ||
    // Issued in the future: not by this store's clock.
    issuedAt > Date.now() / 1000 + clockSkewSeconds
  ) {
    throw new Unauthenticated('The access token is invalid or has expired.');
  }
  let revoked: string | null;
  let facts: SessionFacts | null | undefined;
  try {
    [revoked, facts] = await Promise.all([
      cache.get(revokedSessionKey(claims.sid)),
      options.sessions ? sessionFacts(options, options.sessions, claims.sid) : undefined,
    ]);
  } catch {
    // Fail closed: without the denylist a signed-out token could still be used.
    throw new Unavailable('Sign-in checks are unavailable; try again shortly.');
  }
  if (revoked !== null || facts === null || facts?.ended) {
    throw new Unauthenticated('This session has ended; sign in again.');
  }
  // A token naming another account's session is not one this store issued.
  if (facts && facts.userId !== claims.sub) {
    throw new Unauthenticated('The access token is invalid or has expired.');
  }
  return { id: claims.sub, role: facts?.role ?? claims.role, sessionId: claims.sid };
}

/** The acting user of a route declared with `auth: 'customer'` or `'admin'`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthenticated();
  return request.actor;
}

/** The service context of a request: its verified actor, no transaction yet. */
export const contextOf = (request: FastifyRequest): Context => ({ actor: request.actor });
