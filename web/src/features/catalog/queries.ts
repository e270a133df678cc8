import { queryOptions } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';

export type ListingQuery = NonNullable<paths['/api/v1/products']['get']['parameters']['query']>;

export const productQuery = (slug: string) =>
  queryOptions({
    queryKey: ['product', slug],
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/products/{slug}', { params: { path: { slug } }, signal })),
  });

export const listingQuery = (query: ListingQuery) =>
  queryOptions({
    queryKey: ['products', query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/products', { params: { query }, signal })),
  });
