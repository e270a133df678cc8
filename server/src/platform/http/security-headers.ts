import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** Pages a browser renders: the storefront, the API reference. */
const documentPolicy: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
    },
  },
  // The storefront and the API share an origin; cross-origin callers go through CORS.
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/**
 * JSON from the API is never rendered as a page, so it needs only what OWASP's REST guidance lists:
 * no MIME sniffing, no framing, HTTPS only, a same-origin resource policy. The document-only headers
 * (script policy, download and DNS-prefetch switches...) would be bytes on every response for nothing.
 */
const apiPolicy: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: { policy: 'same-origin' },
  originAgentCluster: false,
  referrerPolicy: { policy: 'no-referrer' },
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * Helmet's headers for a policy, computed once: they never vary by request, and building them on
 * every request cost a seventh of a cached catalog response's CPU time.
 */
export function securityHeaders(policy: HelmetOptions = documentPolicy): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(policy)({} as never, response as never, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** The API set, for answers written before any hook runs (see early-errors.ts). */
export const apiSecurityHeaders = (): Record<string, string> => securityHeaders(apiPolicy);

/**
 * `/api/` paths get the API set; everything else (storefront, docs, images, ops) the document set.
 * The request id goes out with them, in the same hook: every response carries both, and one hook
 * costs less than two on the hottest answers.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const forDocuments = securityHeaders(documentPolicy);
  const forApi = securityHeaders(apiPolicy);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(request.url.startsWith('/api/') ? forApi : forDocuments);
    done();
  });
}
