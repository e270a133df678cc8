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
  /** A product in the middle of the generated catalog, for the product page case. */
  sampleSlug: string;
  /** The store's AUTH_RATE_LIMIT (requests per minute per IP on each credential endpoint). */
  authRateLimit: number;
  /** The store's LOGIN_FAILURE_LIMIT (failed sign-ins per account per 15 minutes). */
  loginFailureLimit: number;
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
  | { type: 'stop' };
