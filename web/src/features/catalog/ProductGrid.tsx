import { useInfiniteQuery } from '@tanstack/react-query';
import { listProducts, PRODUCTS_PAGE_SIZE, type ProductSummary } from '../../api/catalog';
import { formatMoney } from '../../lib/money';

function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <article className="product-card">
      <div className="product-card__media">
        <img
          src={product.image.url}
          alt={product.image.alt || product.name}
          loading="lazy"
          decoding="async"
          width={600}
          height={750}
        />
      </div>
      <div className="product-card__body">
        <h3 className="product-card__name">{product.name}</h3>
        <p className="product-card__price">{formatMoney(product.price)}</p>
      </div>
    </article>
  );
}

function GridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <ul className="product-grid" aria-hidden="true">
      {Array.from({ length: count }, (_, i) => (
        <li key={i} className="product-card product-card--skeleton">
          <div className="product-card__media" />
          <div className="product-card__body">
            <span className="skeleton-line" />
            <span className="skeleton-line skeleton-line--short" />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function ProductGrid() {
  const {
    data,
    error,
    isPending,
    isError,
    refetch,
    fetchNextPage,
    hasNextPage,
    isFetchingNextPage,
    isFetchNextPageError,
  } = useInfiniteQuery({
    queryKey: ['catalog', 'products', { limit: PRODUCTS_PAGE_SIZE }],
    queryFn: ({ pageParam, signal }) =>
      listProducts({ limit: PRODUCTS_PAGE_SIZE, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
  });

  const products = data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="catalog" aria-labelledby="catalog-heading" aria-busy={isPending}>
      <div className="catalog__header">
        <h2 id="catalog-heading">Shop the collection</h2>
        {!isPending && !isError && (
          <p className="catalog__count" aria-live="polite">
            {products.length === 1 ? '1 product' : `${products.length} products`}
          </p>
        )}
      </div>

      {isPending ? (
        <>
          <p role="status" className="visually-hidden">
            Loading products…
          </p>
          <GridSkeleton />
        </>
      ) : isError && products.length === 0 ? (
        <div role="alert" className="notice notice--error">
          <p>
            <strong>We couldn’t load the catalog.</strong> {error.message}
          </p>
          <button type="button" className="button button--secondary" onClick={() => refetch()}>
            Try again
          </button>
        </div>
      ) : products.length === 0 ? (
        <p className="notice">No products are available right now. Check back soon.</p>
      ) : (
        <>
          <ul className="product-grid">
            {products.map((product) => (
              <li key={product.id}>
                <ProductCard product={product} />
              </li>
            ))}
          </ul>

          {isFetchNextPageError && (
            <p role="alert" className="notice notice--error">
              Couldn’t load more products. {error?.message}
            </p>
          )}

          {hasNextPage && (
            <div className="catalog__more">
              <button
                type="button"
                className="button"
                onClick={() => fetchNextPage()}
                disabled={isFetchingNextPage}
                aria-label={isFetchingNextPage ? 'Loading more products' : 'Load more products'}
              >
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
