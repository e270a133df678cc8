import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { Product } from '../../api/client';
import { useChangeBag } from '../bag/api';
import { ErrorNotice, isNotFound, Loading, NotFoundPage } from '../../app/states';
import { swatchColor } from '../../lib/swatches';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Price } from './ProductCard';
import { gallerySizes, ProductImage } from './ProductImage';
import { productQuery } from './api';
import { SizeGuide } from './SizeGuide';

const fewLeft = 5;

function Gallery({ product, color }: { product: Product; color: string }) {
  const images = product.images.filter((image) => image.color === color);
  const shown = images.length ? images : product.images.slice(0, 1);
  const [index, setIndex] = useState(0);
  const current = shown[Math.min(index, shown.length - 1)];
  return (
    <div className="gallery">
      <div className="gallery__main">
        {current ? (
          <ProductImage
            key={current.url}
            image={current}
            alt={current.alt || `${product.name} in ${color}`}
            sizes={gallerySizes}
            width={600}
            height={750}
            eager
          />
        ) : (
          <div className="product-card__placeholder" aria-hidden="true" />
        )}
      </div>
      {shown.length > 1 && (
        <ul className="gallery__thumbs" aria-label="More images">
          {shown.map((image, i) => (
            <li key={image.url}>
              <button
                type="button"
                aria-pressed={i === index}
                aria-label={`Image ${i + 1} of ${shown.length}`}
                onClick={() => setIndex(i)}
              >
                <ProductImage image={image} alt="" sizes="80px" width={80} height={100} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Purchase({ product }: { product: Product }) {
  const [params, setParams] = useSearchParams();
  const colorFromUrl = params.get('color');
  const color =
    colorFromUrl && product.colors.includes(colorFromUrl) ? colorFromUrl : product.colors[0]!;
  const [size, setSize] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const addToBag = useChangeBag();
  const groupId = useId();

  const variantFor = (s: string) => product.variants.find((v) => v.color === color && v.size === s);
  const variant = size ? variantFor(size) : undefined;
  const price = variant?.price ?? product.price;
  const compareAt = variant ? variant.compareAtPrice : product.compareAtPrice;

  function chooseColor(next: string) {
    const nextParams = new URLSearchParams(params);
    nextParams.set('color', next);
    setParams(nextParams, { replace: true });
    if (size && (variantForColor(next, size)?.available ?? 0) === 0) setSize(null);
    addToBag.reset();
  }
  const variantForColor = (c: string, s: string) =>
    product.variants.find((v) => v.color === c && v.size === s);

  function add() {
    if (!variant) {
      setProblem('Choose a size first.');
      return;
    }
    setProblem('');
    addToBag.mutate({ kind: 'add', variantId: variant.id, quantity: 1 });
  }

  return (
    <div className="product__buy">
      <p className="product__price">
        <Price price={price} compareAt={compareAt} />
      </p>

      <fieldset className="picker">
        <legend>
          Colour: <strong>{color}</strong>
        </legend>
        <div className="picker__options">
          {product.colors.map((c) => (
            <label key={c} className="swatch-option" title={c}>
              <input
                type="radio"
                name={`${groupId}-color`}
                value={c}
                checked={c === color}
                onChange={() => chooseColor(c)}
              />
              <span
                className="swatch swatch--large"
                style={{ background: swatchColor(c) }}
                aria-hidden="true"
              />
              <span className="visually-hidden">{c}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="picker">
        <legend>
          Size
          {size ? (
            <>
              : <strong>{size}</strong>
            </>
          ) : (
            ''
          )}
        </legend>
        <div className="picker__options">
          {product.sizes.map((s) => {
            const available = variantFor(s)?.available ?? 0;
            return (
              <label key={s} className={`size-option${available === 0 ? ' size-option--out' : ''}`}>
                <input
                  type="radio"
                  name={`${groupId}-size`}
                  value={s}
                  checked={size === s}
                  disabled={available === 0}
                  onChange={() => {
                    setSize(s);
                    setProblem('');
                    addToBag.reset();
                  }}
                />
                <span>
                  {s}
                  {available === 0 && <span className="visually-hidden"> (sold out)</span>}
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      <SizeGuide category={product.category.slug} />

      {variant && variant.available > 0 && variant.available <= fewLeft && (
        <p className="stock-note" role="status">
          Only {variant.available} left
        </p>
      )}

      <button
        type="button"
        className="button button--wide"
        onClick={add}
        disabled={addToBag.isPending}
      >
        {addToBag.isPending ? 'Adding…' : 'Add to bag'}
      </button>
      <div aria-live="polite" className="product__feedback">
        {problem && <p className="field-error">{problem}</p>}
        {addToBag.isError && <ErrorNotice error={addToBag.error} title="Not added." />}
        {addToBag.isSuccess && (
          <p className="notice notice--success">
            Added to your bag. <Link to="/bag">View bag</Link>
          </p>
        )}
      </div>
    </div>
  );
}

export function ProductPage() {
  const { slug = '' } = useParams();
  const product = useQuery(productQuery(slug));
  useDocumentTitle(product.data?.name);

  if (product.isPending) return <Loading label="Loading product…" />;
  if (product.isError) {
    if (isNotFound(product.error)) return <NotFoundPage />;
    return <ErrorNotice error={product.error} retry={() => product.refetch()} />;
  }
  const p = product.data;
  const color = p.colors[0]!;
  return (
    <article className="product">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/shop">Shop</Link> /{' '}
        <Link to={`/shop/${p.category.slug}`}>{p.category.name}</Link>
      </nav>
      <div className="product__layout">
        <GalleryForUrl product={p} fallback={color} />
        <div className="product__info">
          <h1>{p.name}</h1>
          <p className="product__meta">
            {p.gender === 'unisex'
              ? 'Unisex'
              : `${p.gender[0]!.toUpperCase()}${p.gender.slice(1)}'s`}{' '}
            {p.category.name}
          </p>
          <Purchase product={p} />
          <section className="product__description" aria-labelledby="description-heading">
            <h2 id="description-heading">Details</h2>
            <p>{p.description}</p>
          </section>
        </div>
      </div>
    </article>
  );
}

function GalleryForUrl({ product, fallback }: { product: Product; fallback: string }) {
  const [params] = useSearchParams();
  const color = params.get('color');
  const shown = color && product.colors.includes(color) ? color : fallback;
  return <Gallery key={shown} product={product} color={shown} />;
}
