import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';
import { moneyData as money } from '../../platform/money.js';

/**
 * What the store team's catalog changes announce. Each is written in the transaction of the change
 * (the outbox), so it exists exactly when the change committed. Consumers that keep a copy of the
 * catalog (a search service, a feed, a marketplace) re-read the product by id; the data says what
 * changed, not the whole product. The catalog itself retires its cached pages on each (consumers.ts).
 */

export const productCreated = defineEvent(
  'product_created',
  1,
  z.object({
    productId: z.string(),
    slug: z.string(),
    name: z.string(),
    categoryId: z.string(),
    price: money,
    variantIds: z.array(z.string()),
  }),
  {
    written: 'the store team creates a product (`docs/catalog-admin.md`)',
    consumedBy: 'catalog (retires cached pages again)',
  },
);

/** Fields of a product (or its variants) that an update changed. */
export const productChanges = [
  'name',
  'slug',
  'description',
  'gender',
  'category',
  'price',
  'compareAtPrice',
  'colors',
  'sizes',
  'variants',
] as const;
export type ProductChange = (typeof productChanges)[number];

/**
 * A product's public facts changed: its own fields, or a variant added or changed (`variantIds`).
 * `previousSlug` is there when the slug changed, for whoever keyed something by the old one.
 */
export const productUpdated = defineEvent(
  'product_updated',
  1,
  z.object({
    productId: z.string(),
    slug: z.string(),
    previousSlug: z.string().optional(),
    changes: z.array(z.enum(productChanges)),
    price: money,
    variantIds: z.array(z.string()).optional(),
  }),
  {
    written: 'a product or one of its variants changed',
    consumedBy: 'catalog (retires cached pages again)',
  },
);

/** Taken off the storefront; orders that hold it keep their lines. */
export const productArchived = defineEvent(
  'product_archived',
  1,
  z.object({ productId: z.string(), slug: z.string() }),
  {
    written: 'a product leaves the storefront',
    consumedBy: 'catalog (retires cached pages again)',
  },
);

/** Back on the storefront. */
export const productRestored = defineEvent(
  'product_restored',
  1,
  z.object({ productId: z.string(), slug: z.string() }),
  { written: 'an archived product comes back', consumedBy: 'catalog (retires cached pages again)' },
);

/** A category was created, renamed or moved in the tree. */
export const categoryChanged = defineEvent(
  'category_changed',
  1,
  z.object({
    categoryId: z.string(),
    slug: z.string(),
    parentId: z.string().nullable(),
    change: z.enum(['created', 'updated']),
  }),
  {
    written: 'a category is created, renamed or moved',
    consumedBy: 'catalog (retires cached pages again)',
  },
);

/**
 * A product's images changed: one uploaded (`added`), one colour's put in a new order
 * (`reordered`, `imageIds` in the new order), one removed, one made its colour's main image
 * (`main`), or one uploaded before uploads were processed now processed, with a new URL
 * (`processed`). `imageIds` are the images concerned.
 */
export const productImagesChanged = defineEvent(
  'product_images_changed',
  1,
  z.object({
    productId: z.string(),
    slug: z.string(),
    change: z.enum(['added', 'reordered', 'removed', 'main', 'processed']),
    color: z.string(),
    imageIds: z.array(z.string()),
  }),
  {
    written: "an image is uploaded, a colour's images reordered, or one removed",
    consumedBy: 'catalog (retires cached pages again)',
  },
);

/** Every catalog event: the catalog's own cache consumer listens to all of them. */
export const catalogEvents = [
  productCreated,
  productUpdated,
  productArchived,
  productRestored,
  categoryChanged,
  productImagesChanged,
] as const;
