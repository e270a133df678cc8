import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ErrorNotice } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { GridSkeleton, ProductCard } from './ProductCard';
import { categoriesQuery, listingQuery } from './api';

function Shelf({
  title,
  to,
  query,
}: {
  title: string;
  to: string;
  query: Parameters<typeof listingQuery>[0];
}) {
  const products = useQuery(listingQuery(query));
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section className="shelf" aria-labelledby={id}>
      <div className="shelf__header">
        <h2 id={id}>{title}</h2>
        <Link to={to}>Shop all</Link>
      </div>
      {products.isPending ? (
        <GridSkeleton count={query.limit ?? 4} />
      ) : products.isError ? (
        <ErrorNotice error={products.error} retry={() => products.refetch()} />
      ) : (
        <ul className="product-grid product-grid--shelf">
          {products.data.items.map((product, index) => (
            <li key={product.id}>
              <ProductCard product={product} eager={index < 2} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function HomePage() {
  useDocumentTitle('Athletic apparel');
  const categories = useQuery(categoriesQuery);
  return (
    <>
      <section className="hero" aria-labelledby="hero-heading">
        <p className="hero__eyebrow">New season</p>
        <h1 id="hero-heading">Gear that keeps pace with you.</h1>
        <p>Breathable layers, training essentials and running kit built for every mile.</p>
        <p className="hero__actions">
          <Link className="button button--light" to="/shop?gender=women">
            Shop women
          </Link>
          <Link className="button button--light" to="/shop?gender=men">
            Shop men
          </Link>
        </p>
      </section>

      <section className="shelf" aria-labelledby="categories-heading">
        <h2 id="categories-heading">Shop by category</h2>
        <ul className="category-tiles">
          {!categories.data &&
            Array.from({ length: 5 }, (_, i) => (
              <li key={i} aria-hidden="true">
                <span className="category-tile category-tile--placeholder" />
              </li>
            ))}
          {(categories.data?.items ?? []).map((category) => (
            <li key={category.id}>
              <Link to={`/shop/${category.slug}`} className="category-tile">
                {category.name}
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <Shelf title="New arrivals" to="/shop?sort=newest" query={{ sort: 'newest', limit: 8 }} />
      <Shelf title="On sale" to="/shop?onSale=1" query={{ onSale: '1', inStock: '1', limit: 4 }} />
      <Shelf
        title="Under $50"
        to="/shop?maxPrice=5000"
        query={{ maxPrice: 5000, inStock: '1', limit: 4 }}
      />
    </>
  );
}
