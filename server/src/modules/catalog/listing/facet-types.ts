import type { Bits } from './bitmap.js';

/**
 * What the facet index (facet-index.ts) is built from and answers: a product's listing facts, a
 * listing's filter, sort, position and result, and the order products are numbered in.
 */

/** What a listing needs to know about one product. */
export interface ProductFacts {
  id: string;
  active: boolean;
  gender: string;
  categoryId: string;
  price: number;
  /** Creation time in microseconds since the epoch (PostgreSQL's precision, exact in a double). */
  created: number;
  sizes: string[];
  colors: string[];
  /** Marked down: a compare-at price above the price. */
  onSale: boolean;
  /** The size and colour of each variant that can be bought now. */
  inStock: { size: string; color: string }[];
}

export interface CategoryLabel {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
}

/** A search's matches, best first, and the same as a set. */
export interface SearchMatch {
  ranked: number[];
  set: Bits;
}

export interface IndexFilter {
  search?: SearchMatch;
  /** The chosen category and its descendants; `[]` for an unknown category. */
  categoryIds?: string[];
  gender?: string;
  size?: string[];
  color?: string[];
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  onSale?: boolean;
}

export type IndexSort = 'newest' | 'price_asc' | 'price_desc' | 'relevance';
export type IndexPosition =
  { kind: 'after'; value: number; id: string } | { kind: 'offset'; offset: number };

export type Counted = { value: string; count: number }[];
export interface IndexListing {
  ids: string[];
  /** Where the next page starts, or null on the last page. */
  next: IndexPosition | null;
  total: number;
  facets: {
    size: Counted;
    color: Counted;
    gender: Counted;
    category: { value: string; label: string; count: number }[];
    price: { min: number | null; max: number | null };
  };
}

export const pairKey = (size: string, color: string) => `${size}\u0000${color}`;

/**
 * Products numbered by category, in the tree's order (a category's descendants follow it, so a
 * category and its subtree are one run), then by gender: the sets a listing picks are runs of words.
 */
export function clustered(products: ProductFacts[], categories: CategoryLabel[]): ProductFacts[] {
  const children = new Map<string | null, CategoryLabel[]>();
  for (const c of categories) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c]);
  const treeOrder = new Map<string, number>();
  const visit = (parent: string | null) => {
    for (const c of children.get(parent) ?? []) {
      treeOrder.set(c.id, treeOrder.size);
      visit(c.id);
    }
  };
  visit(null);
  const rank = (p: ProductFacts) => treeOrder.get(p.categoryId) ?? treeOrder.size;
  return products
    .filter((p) => p.active)
    .sort((a, b) => rank(a) - rank(b) || (a.gender < b.gender ? -1 : a.gender > b.gender ? 1 : 0));
}
