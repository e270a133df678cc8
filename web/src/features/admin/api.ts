import { infiniteQueryOptions, queryOptions, type QueryKey } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';

/** The filters a list page sends, without the paging the list adds. */
type Filters<Query> = Omit<NonNullable<Query>, 'limit' | 'cursor'>;
type QueryOf<Path extends keyof paths> = paths[Path] extends {
  get: { parameters: { query?: infer Query } };
}
  ? Filters<Query>
  : never;

export type OrderFilters = QueryOf<'/api/v1/admin/orders'>;
export type ProductFilters = QueryOf<'/api/v1/admin/products'>;
export type AuditFilters = QueryOf<'/api/v1/admin/audit'>;
export type NotificationFilters = QueryOf<'/api/v1/admin/notifications'>;
export type OutboxFilters = QueryOf<'/api/v1/admin/events'>;

/**
 * The admin's cache keys, one per resource. A list's key starts with its resource's, so a change
 * invalidates every filtered view of it at once.
 */
export const adminKeys = {
  products: ['admin', 'products'] as const,
  product: (id: string) => ['admin', 'product', id] as const,
  productImages: (id: string) => ['admin', 'product-images', id] as const,
  orders: ['admin', 'orders'] as const,
  order: (id: string) => ['admin', 'order', id] as const,
  customers: ['admin', 'customers'] as const,
  customer: (id: string) => ['admin', 'customer', id] as const,
  discounts: ['admin', 'discounts'] as const,
  audit: ['admin', 'audit'] as const,
  notifications: ['admin', 'notifications'] as const,
  outbox: ['admin', 'outbox'] as const,
  deadLetters: ['admin', 'dead-letters'] as const,
  stats: ['admin', 'stats'] as const,
};

const pageSize = 25;
const paging = (cursor: string | undefined) => ({ limit: pageSize, ...(cursor ? { cursor } : {}) });

type Page<Item> = { items: Item[]; nextCursor: string | null };

/** A list the API pages with cursors (`{ items, nextCursor }`), read a page at a time. */
function cursorList<Item>(
  queryKey: QueryKey,
  page: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<Item>>,
) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) => page(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
export type CursorListOptions<Item> = ReturnType<typeof cursorList<Item>>;

export const adminQueries = {
  orders: (query: OrderFilters) =>
    cursorList([...adminKeys.orders, query], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/orders', {
          params: { query: { ...query, ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  recentOrders: () =>
    queryOptions({
      queryKey: [...adminKeys.orders, 'recent'],
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/orders', { params: { query: { limit: 8 } }, signal })),
    }),
  order: (id: string) =>
    queryOptions({
      queryKey: adminKeys.order(id),
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/orders/{id}', { params: { path: { id } }, signal })),
    }),
  products: (query: ProductFilters) =>
    cursorList([...adminKeys.products, query], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/products', {
          params: { query: { ...query, ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  product: (id: string) =>
    queryOptions({
      queryKey: adminKeys.product(id),
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/products/{id}', { params: { path: { id } }, signal })),
    }),
  productImages: (id: string) =>
    queryOptions({
      queryKey: adminKeys.productImages(id),
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/products/{id}/images', { params: { path: { id } }, signal })),
    }),
  customers: (q: string) =>
    cursorList([...adminKeys.customers, q], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/customers', {
          params: { query: { ...(q ? { q } : {}), ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  customer: (id: string) =>
    queryOptions({
      queryKey: adminKeys.customer(id),
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/customers/{id}', { params: { path: { id } }, signal })),
    }),
  discounts: () =>
    cursorList(adminKeys.discounts, (cursor, signal) =>
      call(api.GET('/api/v1/admin/discounts', { params: { query: paging(cursor) }, signal })),
    ),
  audit: (query: AuditFilters) =>
    cursorList([...adminKeys.audit, query], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/audit', {
          params: { query: { ...query, ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  notifications: (query: NotificationFilters) =>
    cursorList([...adminKeys.notifications, query], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/notifications', {
          params: { query: { ...query, ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  outbox: (query: OutboxFilters) =>
    cursorList([...adminKeys.outbox, query], (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/events', {
          params: { query: { ...query, ...paging(cursor) } },
          signal,
        }),
      ),
    ),
  deadLetters: () =>
    cursorList(adminKeys.deadLetters, (cursor, signal) =>
      call(
        api.GET('/api/v1/admin/events/dead-letters', { params: { query: paging(cursor) }, signal }),
      ),
    ),
  stats: (from: string, to: string) =>
    queryOptions({
      queryKey: [...adminKeys.stats, from, to],
      queryFn: ({ signal }) =>
        call(api.GET('/api/v1/admin/stats', { params: { query: { from, to } }, signal })),
    }),
};
