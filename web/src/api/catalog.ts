/** Money in integer minor units (e.g. cents) with an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export interface ProductImage {
  url: string;
  alt: string;
}

export interface ProductSummary {
  id: string;
  slug?: string;
  name: string;
  price: Money;
  image: ProductImage;
}

/** One page of `GET /api/v1/products`, cursor-paginated. */
export interface ProductPage {
  items: ProductSummary[];
  nextCursor: string | null;
}

export interface ListProductsParams {
  limit?: number;
  cursor?: string | undefined;
  signal?: AbortSignal | undefined;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const PRODUCTS_PAGE_SIZE = 24;

export async function listProducts({
  limit = PRODUCTS_PAGE_SIZE,
  cursor,
  signal,
}: ListProductsParams = {}): Promise<ProductPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set('cursor', cursor);

  const response = await fetch(`/api/v1/products?${params.toString()}`, {
    headers: { Accept: 'application/json' },
    signal: signal ?? null,
  });

  if (!response.ok) {
    throw new ApiError(response.status, `Could not load products (HTTP ${response.status}).`);
  }

  const body = (await response.json()) as Partial<ProductPage>;
  if (!Array.isArray(body.items)) {
    throw new ApiError(response.status, 'Unexpected response from the catalog service.');
  }

  return { items: body.items, nextCursor: body.nextCursor ?? null };
}
