/** Messages between the benchmark (parent) and its server processes (`serve.ts`), over IPC. */

export interface StoreInfo {
  database: 'postgres' | 'pglite';
  cache: string;
  products: number;
  variants: number;
  /** Milliseconds spent in importCategories + importProducts. */
  importMs: number;
  /** Milliseconds from process start to listening (adapters, migrations, import, build). */
  bootMs: number;
  /** From listening until the facet index was built from the database. */
  indexMs: number;
  /** A product in the middle of the generated catalog, for the product page case. */
  sampleSlug: string;
  /** The store's AUTH_RATE_LIMIT (requests per minute per IP on each credential endpoint). */
  authRateLimit: number;
  /** The store's LOGIN_FAILURE_LIMIT (failed sign-ins per account per 15 minutes). */
  loginFailureLimit: number;
}

/**
 * What the bare order route writes besides the request's email and address (serve.ts, role
 * bare-orders): the figures of an order the store placed for the same variant, read back from SQL.
 */
export interface BareOrderTemplate {
  /** The variant of the store's order, whose line the bare route copies. */
  variantId: string;
  /** The variants whose stock rows the bare orders update, in turn (the store's are the same). */
  variantIds: string[];
  sku: string;
  productSlug: string;
  name: string;
  size: string;
  color: string;
  imageUrl: string | null;
  unitPrice: number;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  shippingMethodId: string;
  shippingMethodName: string;
  taxRateBasisPoints: number;
  provider: string;
  paymentTimeoutSeconds: number;
}

export interface QueryPlan {
  name: string;
  lines: string[];
}

export type ChildMessage =
  | { type: 'ready'; port: number; store?: StoreInfo }
  | { type: 'ack' }
  | { type: 'explained'; plans: QueryPlan[] }
  | { type: 'error'; message: string };

export type ParentMessage =
  /**
   * Bare server: the bodies to answer with; `list` for /api/v1/products, `product` for a product,
   * `me` for /api/v1/me.
   */
  | { type: 'bodies'; bodies: Record<string, string> }
  /** Store: EXPLAIN ANALYZE the queries of an uncached listing with this query string. */
  | { type: 'explain'; query: string }
  /** Store: start a CPU profile; stop it and write it to `file`. */
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'stop' };
