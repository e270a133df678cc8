import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Empty, ErrorNotice, isNotFound, NotFoundPage } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { categoriesQuery, listingPagesQuery } from './api';
import { choicesOf, oneOf } from '../../lib/choices';
import { FacetPanel } from './FacetPanel';
import { apiQuery, filtersFrom, searchFrom, sortLabels, type Filters } from './filters';
import { GridSkeleton, ProductCard } from './ProductCard';

const pageSize = 24;

function useCategoryName(slug: string | undefined): string | undefined {
  const categories = useQuery(categoriesQuery);
  if (!slug) return undefined;
  const stack = [...(categories.data?.items ?? [])];
  while (stack.length) {
    const category = stack.pop()!;
    if (category.slug === slug) return category.name;
    stack.push(...category.children);
  }
  return undefined;
}

/**
 * A category, all products, or a search: every filter and the sort live in the URL, so a filtered
 * page can be shared and the back button returns to the previous filters.
 */
export function ListingPage() {
  const { category } = useParams();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params, category);
  const categoryName = useCategoryName(category);
  const genderName = filters.gender
    ? filters.gender[0]!.toUpperCase() + filters.gender.slice(1)
    : '';
  const heading = filters.q
    ? `Results for “${filters.q}”`
    : [genderName ? `${genderName}'s` : '', categoryName ?? (category ? '' : 'All products')]
        .filter(Boolean)
        .join(' ') || 'Products';
  useDocumentTitle(heading);

  const listing = useInfiniteQuery({
    ...listingPagesQuery(apiQuery(filters, pageSize)),
    placeholderData: keepPreviousData,
  });

  // Beside the results on a wide screen; folded away above them on a phone until asked for.
  const [filtersOpen, setFiltersOpen] = useState(
    () => typeof window === 'undefined' || window.matchMedia('(min-width: 900px)').matches,
  );
  const change = (next: Filters) => setParams(searchFrom(next));
  const first = listing.data?.pages[0];
  const products = listing.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered =
    filters.gender ||
    filters.sizes.length ||
    filters.colors.length ||
    filters.inStock ||
    filters.onSale ||
    filters.minPrice !== undefined ||
    filters.maxPrice !== undefined;

  if (listing.isError && isNotFound(listing.error)) return <NotFoundPage />;

  return (
    <div className="listing">
      <div className="listing__header">
        <h1>{heading}</h1>
        {first && (
          <p className="listing__count" aria-live="polite" data-testid="result-count">
            {first.total === 1 ? '1 product' : `${first.total} products`}
          </p>
        )}
        <label className="sort">
          Sort by{' '}
          <select
            value={filters.sort ?? (filters.q ? 'relevance' : 'newest')}
            onChange={(event) =>
              change({ ...filters, sort: oneOf(sortLabels, event.target.value) })
            }
          >
            {choicesOf(sortLabels)
              .filter(([value]) => value !== 'relevance' || filters.q)
              .map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
          </select>
        </label>
      </div>

      {first?.correctedQuery && filters.q && (
        <p className="did-you-mean">
          Did you mean{' '}
          <Link to={`/search?${searchFrom({ ...filters, q: first.correctedQuery }).toString()}`}>
            {first.correctedQuery}
          </Link>
          ? Results for both spellings are shown.
        </p>
      )}

      <div className="listing__body">
        <details
          className="listing__filters"
          open={filtersOpen}
          onToggle={(event) => setFiltersOpen(event.currentTarget.open)}
        >
          <summary>Filters</summary>
          {/* Folded away (a phone's first view), the facets are not rendered at all: the first
              paint of the results costs less of a slow phone's main thread. */}
          {filtersOpen && <FacetPanel facets={first?.facets} filters={filters} onChange={change} />}
          {filtered && (
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() =>
                change({ q: filters.q, sort: filters.sort, sizes: [], colors: [], inStock: false })
              }
            >
              Clear filters
            </button>
          )}
        </details>

        <section
          className="listing__results"
          aria-labelledby="results-heading"
          aria-busy={listing.isFetching}
        >
          <h2 id="results-heading" className="visually-hidden">
            Products
          </h2>
          {listing.isPending ? (
            <>
              <p role="status" className="visually-hidden">
                Loading products…
              </p>
              <GridSkeleton />
            </>
          ) : listing.isError && products.length === 0 ? (
            <ErrorNotice
              error={listing.error}
              retry={() => listing.refetch()}
              title="We couldn’t load these products."
            />
          ) : products.length === 0 ? (
            <Empty title="Nothing matches these filters">
              <p>Try removing a filter or searching for something broader.</p>
            </Empty>
          ) : (
            <>
              <ul className="product-grid">
                {products.map((product, index) => (
                  <li key={product.id}>
                    <ProductCard product={product} eager={index < 4} />
                  </li>
                ))}
              </ul>
              {listing.isFetchNextPageError && (
                <ErrorNotice error={listing.error} title="Couldn’t load more products." />
              )}
              {listing.hasNextPage && (
                <div className="catalog__more">
                  <button
                    type="button"
                    className="button"
                    onClick={() => listing.fetchNextPage()}
                    disabled={listing.isFetchingNextPage}
                  >
                    {listing.isFetchingNextPage ? 'Loading…' : 'Load more'}
                  </button>
                </div>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
