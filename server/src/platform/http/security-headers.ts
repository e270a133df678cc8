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
 * What Stripe.js needs, from Stripe's integration security guide: its script (js.stripe.com and its
 * subdomains), its frames (the elements, 3-D Secure on hooks.stripe.com) and its API. Its Address
 * Element's autocomplete (Google Maps) is not used here, so that part of the guide is left out.
 * Only a store that takes payments through Stripe sends these; with the stand-in of Stripe.js
 * (STRIPE_STAND_IN), the stand-in is on the store's own origin, which 'self' already allows.
 */
const stripeSources = {
  scriptSrc: ['https://js.stripe.com', 'https://*.js.stripe.com'],
  frameSrc: ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
  connectSrc: ['https://api.stripe.com'],
};

/** The document set for a store's payment provider. */
export function documentPolicyFor(payments: { stripe: boolean }): HelmetOptions {
  if (!payments.stripe) return documentPolicy;
  const base = documentPolicy.contentSecurityPolicy as { directives: Record<string, string[]> };
  const directives = { ...base.directives };
  for (const [name, sources] of Object.entries(stripeSources))
    directives[name] = [...(directives[name] ?? ["'self'"]), ...sources];
  return {
    ...documentPolicy,
    contentSecurityPolicy: { directives },
    // A wallet's window (Link, PayPal) opened from the page must still be able to answer it.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  };
}

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
 * A policy without `upgrade-insecure-requests` (which helmet adds by default): over plain http (a
 * store in development at a LAN address) it would send the page's scripts and images to an https
 * address nothing answers.
 */
function withoutUpgrade(policy: HelmetOptions): HelmetOptions {
  const csp = policy.contentSecurityPolicy;
  if (typeof csp !== 'object') return policy;
  return {
    ...policy,
    contentSecurityPolicy: {
      ...csp,
      directives: { ...csp.directives, upgradeInsecureRequests: null },
    },
  };
}

/**
 * `/api/` paths get the API set; everything else (storefront, docs, images, ops) the document set.
 * The request id goes out with them, in the same hook: every response carries both, and one hook
 * costs less than two on the hottest answers. `upgradeInsecureRequests`: the store is served over
 * https (its PUBLIC_URL says so); otherwise pages do not ask browsers to upgrade their requests.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { stripe: boolean; upgradeInsecureRequests: boolean } = {
    stripe: false,
    upgradeInsecureRequests: true,
  },
): void {
  const documents = documentPolicyFor(options);
  const forDocuments = securityHeaders(
    options.upgradeInsecureRequests ? documents : withoutUpgrade(documents),
  );
  const forApi = securityHeaders(apiPolicy);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(request.url.startsWith('/api/') ? forApi : forDocuments);
    done();
  });
}
