import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';

export type ListingQuery = NonNullable<paths['/api/v1/products']['get']['parameters']['query']>;

/**
 * The catalog's cache keys. A listing read a page at a time (the listing page) and one read whole
 * (a shelf, the search suggestions) are different shapes, so they sit under different keys.
 */
export const catalogKeys = {
  product: (slug: string) => ['product', slug] as const,
  listing: (query: ListingQuery) => ['products', query] as const,
  listingPages: (query: ListingQuery) => ['products', 'pages', query] as const,
  categories: ['categories'] as const,
};

export const productQuery = (slug: string) =>
  queryOptions({
    queryKey: catalogKeys.product(slug),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/products/{slug}', { params: { path: { slug } }, signal })),
  });

/** One page of products: a shelf on the home page, or the search box's suggestions. */
export const listingQuery = (query: ListingQuery) =>
  queryOptions({
    queryKey: catalogKeys.listing(query),
    queryFn: ({ signal }) => call(api.GET('/api/v1/products', { params: { query }, signal })),
  });

/** The listing page's products, a page at a time (the API's cursor). */
export const listingPagesQuery = (query: ListingQuery) =>
  infiniteQueryOptions({
    queryKey: catalogKeys.listingPages(query),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/v1/products', {
          params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** The category tree: the navigation, the listing's headings and the admin's pickers. */
export const categoriesQuery = queryOptions({
  queryKey: catalogKeys.categories,
  queryFn: ({ signal }) => call(api.GET('/api/v1/categories', { signal })),
  staleTime: 5 * 60_000,
});
