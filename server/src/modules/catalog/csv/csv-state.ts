import type { AdminVariantRow } from '../admin/admin-repository.js';
import type { Gender, ProductStatus } from './csv-format.js';
import type { ProductChange } from '../events.js';

/**
 * The shapes a catalog import works with: what the database holds of the file's products
 * (`ImportState`, loaded by `csv-import.ts`) and what `planImport` (`csv-plan.ts`) decides to write.
 */

export interface CategoryFacts {
  id: string;
  name: string;
  parentName: string | null;
}

export interface ExistingProduct {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: Gender;
  category_id: string;
  status: ProductStatus;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  colors: string[];
  sizes: string[];
}

/** A variant's row as the admin reads it, without its stock, with the product it belongs to. */
export interface ExistingVariant extends Omit<AdminVariantRow, 'on_hand' | 'reserved'> {
  product_id: string;
  product_slug: string;
}

export interface ImportState {
  categories: Map<string, CategoryFacts>;
  /** The file's products that exist, by slug. */
  products: Map<string, ExistingProduct>;
  /** The file's SKUs that exist, whichever product holds them. */
  variantsBySku: Map<string, ExistingVariant>;
  /** Every variant of the file's existing products, in position order. */
  variantsOf: Map<string, ExistingVariant[]>;
  stock: Map<string, { onHand: number; reserved: number }>;
  /** Per existing product: the colours that have an image, and the next image position. */
  images: Map<string, { colors: Set<string>; next: number }>;
  /** The existing variants that orders hold: their size and colour stay as sold. */
  ordered: Set<string>;
  currencyDigits: number;
}

/** A product row as written: its own fields and those derived from its variants. */
export interface ProductWrite {
  id: string;
  slug: string;
  name: string;
  description: string;
  gender: Gender;
  categoryId: string;
  status: ProductStatus;
  priceAmount: number;
  compareAtAmount: number | null;
  colors: string[];
  sizes: string[];
  searchKeywords: string;
}

export interface VariantWrite {
  id: string;
  productId: string;
  sku: string;
  size: string;
  color: string;
  priceAmount: number;
  compareAtAmount: number | null;
  position: number;
}

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ProductOutcome {
  slug: string;
  action: 'create' | 'update' | 'unchanged';
  variants: Counts;
}

/** What the import announces per product, as the store team's other catalog writes do. */
export type ProductEvent =
  | { kind: 'created'; product: ProductWrite; variantIds: string[] }
  | { kind: 'updated'; product: ProductWrite; changes: ProductChange[]; variantIds: string[] }
  | { kind: 'archived' | 'restored'; product: ProductWrite };

export interface ImportPlan {
  newProducts: ProductWrite[];
  changedProducts: ProductWrite[];
  newVariants: VariantWrite[];
  changedVariants: VariantWrite[];
  newStock: { variantId: string; onHand: number }[];
  changedStock: { variantId: string; onHand: number }[];
  newImages: { productId: string; color: string; url: string; alt: string; position: number }[];
  events: ProductEvent[];
  outcomes: ProductOutcome[];
}
