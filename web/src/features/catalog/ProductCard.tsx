import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { ProductSummary } from '../../api/client';
import { formatMoney } from '../../lib/money';
import { swatchColor } from '../../lib/swatches';
import { cardSizes, ProductImage } from './ProductImage';
import { productQuery } from './api';

export function Price({
  price,
  compareAt,
}: {
  price: ProductSummary['price'];
  compareAt?: ProductSummary['price'];
}) {
  if (!compareAt || compareAt.amount <= price.amount) return <span>{formatMoney(price)}</span>;
  return (
    <span className="price price--sale">
      <span className="visually-hidden">Sale price </span>
      {formatMoney(price)}{' '}
      <s className="price__was">
        <span className="visually-hidden">was </span>
        {formatMoney(compareAt)}
      </s>
    </span>
  );
}

/** A product in a grid; hovering or focusing it starts loading its page. */
export function ProductCard({
  product,
  eager = false,
}: {
  product: ProductSummary;
  eager?: boolean;
}) {
  const queryClient = useQueryClient();
  const prefetch = () => void queryClient.prefetchQuery(productQuery(product.slug));
  return (
    <article className="product-card">
      <Link
        to={`/products/${product.slug}`}
        className="product-card__link"
        onMouseEnter={prefetch}
        onFocus={prefetch}
      >
        <div className="product-card__media">
          {product.image ? (
            <ProductImage
              image={product.image}
              alt={product.image.alt || product.name}
              sizes={cardSizes}
              eager={eager}
              width={600}
              height={750}
            />
          ) : (
            <div className="product-card__placeholder" aria-hidden="true" />
          )}
          {product.available === 0 && <span className="badge">Sold out</span>}
          {product.compareAtPrice && product.available > 0 && (
            <span className="badge badge--sale">Sale</span>
          )}
        </div>
        <div className="product-card__body">
          <h3 className="product-card__name">{product.name}</h3>
          <p className="product-card__meta">{product.category.name}</p>
          <p className="product-card__price">
            <Price price={product.price} compareAt={product.compareAtPrice} />
          </p>
        </div>
      </Link>
      <ul className="product-card__colors" aria-label={`${product.colors.length} colours`}>
        {product.colors.map((color) => (
          <li key={color} title={color} style={{ background: swatchColor(color) }} />
        ))}
      </ul>
    </article>
  );
}

export function GridSkeleton({ count = 8 }: { count?: number }) {
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
