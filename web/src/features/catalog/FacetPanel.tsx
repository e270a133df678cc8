import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import type { ProductList } from '../../api/client';
import { swatchColor } from '../../lib/swatches';
import { oneOf } from '../../lib/choices';
import { genderLabels, toggle, type Filters } from './filters';

const genderName = (value: string) => {
  const gender = oneOf(genderLabels, value);
  return gender ? genderLabels[gender] : value;
};

type Facet = ProductList['facets']['size'];

/** Values the API counted, plus any the shopper chose that no longer match, so they can be cleared. */
function withChosen(facet: Facet, chosen: string[]): Facet {
  const missing = chosen.filter((value) => !facet.some((entry) => entry.value === value));
  return [...facet, ...missing.map((value) => ({ value, count: 0 }))];
}

function PriceRange({
  filters,
  onChange,
}: {
  filters: Filters;
  onChange: (next: Filters) => void;
}) {
  const major = (minor?: number) => (minor === undefined ? '' : String(minor / 100));
  const [min, setMin] = useState(major(filters.minPrice));
  const [max, setMax] = useState(major(filters.maxPrice));
  const [problem, setProblem] = useState('');
  function apply(event: FormEvent) {
    event.preventDefault();
    const parse = (text: string) =>
      text.trim() === '' ? undefined : Math.round(Number(text) * 100);
    const minPrice = parse(min);
    const maxPrice = parse(max);
    if ([minPrice, maxPrice].some((v) => v !== undefined && (!Number.isFinite(v) || v < 0))) {
      setProblem('Enter prices as numbers, like 25 or 49.99.');
      return;
    }
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
      setProblem('The lowest price must not be above the highest.');
      return;
    }
    setProblem('');
    onChange({ ...filters, minPrice, maxPrice });
  }
  return (
    <form className="price-range" onSubmit={apply} noValidate>
      <label>
        Min $
        <input
          inputMode="decimal"
          value={min}
          onChange={(e) => setMin(e.target.value)}
          aria-describedby="price-problem"
        />
      </label>
      <label>
        Max $
        <input
          inputMode="decimal"
          value={max}
          onChange={(e) => setMax(e.target.value)}
          aria-describedby="price-problem"
        />
      </label>
      <button type="submit" className="button button--secondary button--small">
        Apply
      </button>
      <p id="price-problem" className="field-error" role={problem ? 'alert' : undefined}>
        {problem}
      </p>
    </form>
  );
}

export function FacetPanel({
  facets,
  filters,
  onChange,
}: {
  facets: ProductList['facets'] | undefined;
  filters: Filters;
  onChange: (next: Filters) => void;
}) {
  const { search } = useLocation();
  const sizes = withChosen(facets?.size ?? [], filters.sizes);
  const colors = withChosen(facets?.color ?? [], filters.colors);
  return (
    <div className="facets">
      <fieldset className="facet">
        <legend>Gender</legend>
        {(facets?.gender ?? []).map(({ value, count }) => (
          <label key={value} className="facet__option">
            <input
              type="checkbox"
              checked={filters.gender === value}
              onChange={() =>
                onChange({
                  ...filters,
                  gender: filters.gender === value ? undefined : oneOf(genderLabels, value),
                })
              }
            />
            {genderName(value)} <span className="facet__count">({count})</span>
          </label>
        ))}
      </fieldset>

      {(facets?.category.length ?? 0) > 0 && (
        <nav className="facet" aria-label="Categories">
          <h2 className="facet__title">Category</h2>
          <ul className="facet__links">
            {facets!.category.map(({ value, label, count }) => (
              <li key={value}>
                <Link
                  to={`/shop/${value}${search}`}
                  aria-current={filters.category === value ? 'page' : undefined}
                >
                  {label ?? value} <span className="facet__count">({count})</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}

      <fieldset className="facet">
        <legend>Size</legend>
        <div className="size-chips">
          {sizes.map(({ value, count }) => (
            <button
              key={value}
              type="button"
              className="chip"
              aria-pressed={filters.sizes.includes(value)}
              aria-label={`Size ${value}, ${count} products`}
              onClick={() => onChange({ ...filters, sizes: toggle(filters.sizes, value) })}
            >
              {value}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className="facet">
        <legend>Colour</legend>
        <div className="swatch-chips">
          {colors.map(({ value, count }) => (
            <button
              key={value}
              type="button"
              className="swatch-chip"
              aria-pressed={filters.colors.includes(value)}
              aria-label={`${value}, ${count} products`}
              title={value}
              onClick={() => onChange({ ...filters, colors: toggle(filters.colors, value) })}
            >
              <span
                className="swatch"
                style={{ background: swatchColor(value) }}
                aria-hidden="true"
              />
              <span className="swatch-chip__name">{value}</span>
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className="facet">
        <legend>Price</legend>
        <PriceRange
          key={`${filters.minPrice}-${filters.maxPrice}`}
          filters={filters}
          onChange={onChange}
        />
      </fieldset>

      <label className="facet__option facet__stock">
        <input
          type="checkbox"
          checked={filters.inStock}
          onChange={() => onChange({ ...filters, inStock: !filters.inStock })}
        />
        In stock only
      </label>
      <label className="facet__option">
        <input
          type="checkbox"
          checked={Boolean(filters.onSale)}
          onChange={() => onChange({ ...filters, onSale: !filters.onSale })}
        />
        On sale
      </label>
    </div>
  );
}
