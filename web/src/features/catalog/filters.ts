import { oneOf } from '../../lib/choices';
import type { ListingQuery } from './api';

type Gender = NonNullable<ListingQuery['gender']>;
type Sort = NonNullable<ListingQuery['sort']>;

export const genderLabels: Record<Gender, string> = {
  men: 'Men',
  women: 'Women',
  kids: 'Kids',
  unisex: 'Unisex',
};

export const sortLabels: Record<Sort, string> = {
  relevance: 'Best match',
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
};

/** What a listing URL says: the path's category and the query string's filters and sort. */
export interface Filters {
  category?: string;
  q?: string;
  gender?: Gender;
  sizes: string[];
  colors: string[];
  minPrice?: number;
  maxPrice?: number;
  inStock: boolean;
  onSale?: boolean;
  sort?: Sort;
}

function minorUnits(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

export function filtersFrom(params: URLSearchParams, category: string | undefined): Filters {
  return {
    category,
    q: params.get('q')?.trim() || undefined,
    gender: oneOf(genderLabels, params.get('gender')),
    sizes: params.getAll('size').filter(Boolean),
    colors: params.getAll('color').filter(Boolean),
    minPrice: minorUnits(params.get('minPrice')),
    maxPrice: minorUnits(params.get('maxPrice')),
    inStock: params.get('inStock') === '1',
    onSale: params.get('onSale') === '1',
    sort: oneOf(sortLabels, params.get('sort')),
  };
}

/** The query string for filters (the category stays in the path). */
export function searchFrom(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.gender) params.set('gender', filters.gender);
  for (const size of filters.sizes) params.append('size', size);
  for (const color of filters.colors) params.append('color', color);
  if (filters.minPrice !== undefined) params.set('minPrice', String(filters.minPrice));
  if (filters.maxPrice !== undefined) params.set('maxPrice', String(filters.maxPrice));
  if (filters.inStock) params.set('inStock', '1');
  if (filters.onSale) params.set('onSale', '1');
  if (filters.sort) params.set('sort', filters.sort);
  return params;
}

export function apiQuery(filters: Filters, limit: number): ListingQuery {
  return {
    limit,
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.category ? { category: filters.category } : {}),
    ...(filters.gender ? { gender: filters.gender } : {}),
    ...(filters.sizes.length ? { size: filters.sizes } : {}),
    ...(filters.colors.length ? { color: filters.colors } : {}),
    ...(filters.minPrice !== undefined ? { minPrice: filters.minPrice } : {}),
    ...(filters.maxPrice !== undefined ? { maxPrice: filters.maxPrice } : {}),
    ...(filters.inStock ? { inStock: '1' as const } : {}),
    ...(filters.onSale ? { onSale: '1' as const } : {}),
    ...(filters.sort ? { sort: filters.sort } : {}),
  };
}

export const toggle = (values: string[], value: string) =>
  values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
