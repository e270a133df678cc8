import { money } from '../../../platform/money.js';
import type { AdminProduct, AdminProductListItem } from './admin-schemas.js';
import type * as repo from './admin-repository.js';
import type { ProductChange } from '../events.js';

/** How the store team's catalog rows are answered, audited and compared. */

const iso = (value: Date | string) => new Date(value).toISOString();

export function toAdminProduct(row: repo.AdminProductRow): AdminProduct {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    gender: row.gender,
    category: row.category_slug,
    categoryId: row.category_id,
    price: money(row.price_amount, row.currency),
    ...(row.compare_at_amount !== null
      ? { compareAtPrice: money(row.compare_at_amount, row.currency) }
      : {}),
    colors: row.colors,
    sizes: row.sizes,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    variants: row.variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      size: v.size,
      color: v.color,
      price: money(v.price_amount, row.currency),
      ...(v.compare_at_amount !== null
        ? { compareAtPrice: money(v.compare_at_amount, row.currency) }
        : {}),
      onHand: v.on_hand,
      reserved: v.reserved,
      available: v.on_hand - v.reserved,
    })),
  };
}

export function toListItem(row: repo.AdminListRow): AdminProductListItem {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    gender: row.gender,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    price: money(row.price_amount, row.currency),
    ...(row.compare_at_amount !== null
      ? { compareAtPrice: money(row.compare_at_amount, row.currency) }
      : {}),
    variantCount: row.variant_count,
    unitsOnHand: row.units_on_hand,
    unitsAvailable: row.units_available,
    stock: row.stock,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export const variantSnapshot = (v: repo.AdminVariantRow) => ({
  id: v.id,
  sku: v.sku,
  size: v.size,
  color: v.color,
  price: v.price_amount,
  compareAtPrice: v.compare_at_amount,
});

/** What the audit log keeps of a product: its own fields and its variants' (stock is inventory's). */
export const productSnapshot = (row: repo.AdminProductRow) => ({
  slug: row.slug,
  name: row.name,
  description: row.description,
  gender: row.gender,
  categoryId: row.category_id,
  status: row.status,
  price: row.price_amount,
  compareAtPrice: row.compare_at_amount,
  colors: row.colors,
  sizes: row.sizes,
  variants: row.variants.map(variantSnapshot),
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Which public facts of a product differ between two reads of it. */
export function changesBetween(
  before: repo.AdminProductRow,
  after: repo.AdminProductRow,
): ProductChange[] {
  const changes: ProductChange[] = [];
  const old = new Map(before.variants.map((v) => [v.id, v]));
  const kept = after.variants.flatMap((v) => {
    const was = old.get(v.id);
    return was ? [[was, v] as const] : [];
  });
  const field = (change: ProductChange, differs: boolean) => differs && changes.push(change);
  field('name', before.name !== after.name);
  field('slug', before.slug !== after.slug);
  field('description', before.description !== after.description);
  field('gender', before.gender !== after.gender);
  field('category', before.category_id !== after.category_id);
  field(
    'price',
    before.price_amount !== after.price_amount ||
      kept.some(([was, now]) => was.price_amount !== now.price_amount),
  );
  field(
    'compareAtPrice',
    before.compare_at_amount !== after.compare_at_amount ||
      kept.some(([was, now]) => was.compare_at_amount !== now.compare_at_amount),
  );
  field('colors', !same(before.colors, after.colors));
  field('sizes', !same(before.sizes, after.sizes));
  field(
    'variants',
    before.variants.length !== after.variants.length ||
      kept.some(
        ([was, now]) => was.sku !== now.sku || was.size !== now.size || was.color !== now.color,
      ),
  );
  return changes;
}
