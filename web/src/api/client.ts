import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from '../auth/session';

export type Schemas = components['schemas'];
export type Money = Schemas['Money'];
export type ProductSummary = Schemas['ProductSummary'];
export type ProductList = Schemas['ProductList'];
export type Product = Schemas['Product'];
export type Category = Schemas['Category'];
export type Cart = Schemas['Cart'];
export type CartItem = Schemas['CartItem'];
export type Order = Schemas['Order'];
export type OrderSummary = Schemas['OrderSummary'];
export type OrderAddress = Schemas['OrderAddress'];
export type Address = Schemas['Address'];
export type User = Schemas['User'];
export type AuthResult = Schemas['AuthResult'];
export type ShippingMethod = Schemas['ShippingMethod'];
export type Problem = Schemas['Problem'];

/** A problem answer from the API (RFC 9457), or a network failure (`code` `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: { path: string; message: string }[];
  readonly problem: Partial<Problem>;

  constructor(problem: Partial<Problem>, status: number) {
    super(problem.detail ?? problem.title ?? `The store answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? 'unknown';
    this.fieldErrors = problem.errors ?? [];
    this.problem = problem;
  }

  /** The message for one form field, matched on the last segment of the problem's path. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find(
      (error) =>
        error.path === field ||
        error.path.endsWith(`.${field}`) ||
        error.path.endsWith(`/${field}`),
    )?.message;
  }
}

const authPaths = ['/api/v1/auth/login', '/api/v1/auth/register', '/api/v1/auth/refresh'];

function withToken(request: Request): Request {
  const token = session.accessToken();
  if (!token) return request;
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/**
 * Every call carries the in-memory access token. A 401 on a signed-in call gets one silent refresh
 * (through the httpOnly cookie) and one retry; if the refresh fails the shopper is signed out.
 */
async function authorizedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const signedIn = Boolean(session.accessToken());
  const response = await fetch(withToken(request));
  const path = new URL(request.url).pathname;
  if (response.status !== 401 || !signedIn || authPaths.includes(path)) return response;
  if (!(await session.refresh())) return response;
  return fetch(withToken(retry));
}

export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  fetch: authorizedFetch,
});

/**
 * The data of an openapi-fetch answer, or an ApiError thrown with the problem it carried, so
 * TanStack Query sees failures as errors.
 */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      {
        code: 'network_error',
        detail: 'The store could not be reached. Check your connection and try again.',
      },
      0,
    );
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const problem = (error && typeof error === 'object' ? error : {}) as Partial<Problem>;
  throw new ApiError(problem, response.status);
}
