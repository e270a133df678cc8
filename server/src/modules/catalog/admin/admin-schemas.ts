import { z } from 'zod';
import {
  categorySlug,
  minorUnits,
  onHand,
  optionValue,
  productLimits,
  productDescription as description,
  productName as name,
  productSlug,
  sku,
} from '../field-rules.js';
import { moneySchema } from '../../../platform/money.js';
import { genders, variantSchema } from '../schemas.js';

/**
 * The store team's catalog requests and answers. Bodies are strict (an unknown field is a 400,
 * never silently dropped) and money comes in as integer minor units, as everywhere in the API. The
 * fields' own rules (`field-rules.ts`) are those the catalog CSV checks too.
 */

/** A category named by its slug or its id. */
const categoryReference = z.string().min(1).max(80).describe('The category’s slug or id');

function noDuplicates(values: string[] | undefined, ctx: z.RefinementCtx, path: string) {
  const seen = new Set<string>();
  values?.forEach((value, i) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [path, i], message: 'is repeated' });
    seen.add(value);
  });
}

function compareAbovePrice(
  price: number | undefined,
  compareAt: number | null | undefined,
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
) {
  if (price !== undefined && compareAt != null && compareAt <= price) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'compareAtPrice'],
      message: 'must be above price (it is the price before the markdown)',
    });
  }
}

const nestedVariant = z.strictObject({
  sku,
  size: optionValue,
  color: optionValue,
  price: minorUnits.optional().describe('Defaults to the product’s price and compareAtPrice'),
  compareAtPrice: minorUnits.optional(),
  onHand: onHand.default(0),
});

export const productCreateBody = z
  .strictObject({
    name,
    slug: productSlug.optional().describe('Derived from the name when left out'),
    description: description.default(''),
    gender: z.enum(genders),
    category: categoryReference,
    price: minorUnits,
    compareAtPrice: minorUnits.optional(),
    colors: z
      .array(optionValue)
      .min(1)
      .max(productLimits.colors)
      .optional()
      .describe('Display order; required without `variants`'),
    sizes: z
      .array(optionValue)
      .min(1)
      .max(productLimits.sizes)
      .optional()
      .describe('Display order; required without `variants`'),
    variants: z
      .array(nestedVariant)
      .min(1)
      .max(productLimits.variants)
      .optional()
      .describe('Without it, one variant per colour and size is made'),
    onHand: onHand
      .optional()
      .describe('Units on hand of each variant made from colours × sizes (default 0)'),
  })
  .superRefine((body, ctx) => {
    compareAbovePrice(body.price, body.compareAtPrice, ctx);
    noDuplicates(body.colors, ctx, 'colors');
    noDuplicates(body.sizes, ctx, 'sizes');
    if (!body.variants) {
      if (!body.colors) ctx.addIssue({ code: 'custom', path: ['colors'], message: 'is required' });
      if (!body.sizes) ctx.addIssue({ code: 'custom', path: ['sizes'], message: 'is required' });
      return;
    }
    if (body.onHand !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['onHand'],
        message: 'applies only without `variants` (give each variant its own)',
      });
    }
    const skus = new Set<string>();
    const pairs = new Set<string>();
    body.variants.forEach((variant, i) => {
      const at = (field: string) => ['variants', i, field];
      if (skus.has(variant.sku))
        ctx.addIssue({ code: 'custom', path: at('sku'), message: 'is repeated' });
      skus.add(variant.sku);
      const pair = `${variant.size}\u0000${variant.color}`;
      if (pairs.has(pair))
        ctx.addIssue({ code: 'custom', path: at('size'), message: 'repeats a size and colour' });
      pairs.add(pair);
      if (body.colors && !body.colors.includes(variant.color))
        ctx.addIssue({ code: 'custom', path: at('color'), message: 'is not one of `colors`' });
      if (body.sizes && !body.sizes.includes(variant.size))
        ctx.addIssue({ code: 'custom', path: at('size'), message: 'is not one of `sizes`' });
      if (variant.price === undefined && variant.compareAtPrice !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: at('price'),
          message: 'is required with a compareAtPrice',
        });
      compareAbovePrice(variant.price, variant.compareAtPrice, ctx, ['variants', i]);
    });
    for (const [field, values] of [
      ['colors', body.colors],
      ['sizes', body.sizes],
    ] as const) {
      const used = new Set(body.variants.map((v) => (field === 'colors' ? v.color : v.size)));
      values?.forEach((value, i) => {
        if (!used.has(value))
          ctx.addIssue({ code: 'custom', path: [field, i], message: 'has no variant' });
      });
    }
  });
export type ProductCreateInput = z.output<typeof productCreateBody>;

const atLeastOne = (body: object) => Object.keys(body).length > 0;
// Only for a body that is otherwise well formed: one with just an unknown field is refused for that.
const nothingToChange = {
  message: 'names nothing to change',
  when: (payload: { issues: unknown[] }) => payload.issues.length === 0,
};

export const productPatchBody = z
  .strictObject({
    name: name.optional(),
    slug: productSlug.optional(),
    description: description.optional(),
    gender: z.enum(genders).optional(),
    category: categoryReference.optional(),
    price: minorUnits.optional().describe('Sets the price of every variant'),
    compareAtPrice: minorUnits
      .nullable()
      .optional()
      .describe('Sets the compare-at price of every variant; null ends a markdown'),
    colors: z
      .array(optionValue)
      .max(productLimits.colors)
      .optional()
      .describe('A new display order of the product’s colours (add colours with variants)'),
    sizes: z
      .array(optionValue)
      .max(productLimits.sizes)
      .optional()
      .describe('A new display order of the product’s sizes (add sizes with variants)'),
  })
  .refine(atLeastOne, nothingToChange)
  .superRefine((body, ctx) => {
    compareAbovePrice(body.price, body.compareAtPrice, ctx);
    noDuplicates(body.colors, ctx, 'colors');
    noDuplicates(body.sizes, ctx, 'sizes');
  });
export type ProductPatch = z.output<typeof productPatchBody>;

export const variantCreateBody = z
  .strictObject({
    sku,
    size: optionValue,
    color: optionValue,
    price: minorUnits,
    compareAtPrice: minorUnits.optional(),
    onHand: onHand
      .default(0)
      .describe('Initial units on hand; later changes go through /inventory'),
  })
  .superRefine((body, ctx) => compareAbovePrice(body.price, body.compareAtPrice, ctx));
export type VariantCreateInput = z.output<typeof variantCreateBody>;

export const variantPatchBody = z
  .strictObject({
    sku: sku.optional(),
    size: optionValue.optional().describe('Only while no order holds the variant'),
    color: optionValue.optional().describe('Only while no order holds the variant'),
    price: minorUnits.optional(),
    compareAtPrice: minorUnits.nullable().optional(),
  })
  .refine(atLeastOne, nothingToChange)
  .superRefine((body, ctx) => compareAbovePrice(body.price, body.compareAtPrice, ctx));
export type VariantPatch = z.output<typeof variantPatchBody>;

const position = z.number().int().min(0).max(10_000);
const parent = categoryReference
  .nullable()
  .describe('The parent category’s slug or id; null for a top-level category');

export const categoryCreateBody = z.strictObject({
  slug: categorySlug,
  name: z.string().trim().min(1).max(80),
  parent: parent.optional(),
  position: position.optional().describe('Order among its siblings; last when left out'),
});
export type CategoryCreateInput = z.output<typeof categoryCreateBody>;

export const categoryPatchBody = z
  .strictObject({
    slug: categorySlug.optional(),
    name: z.string().trim().min(1).max(80).optional(),
    parent: parent.optional().describe('Move under this category (null: to the top level)'),
    position: position.optional(),
  })
  .refine(atLeastOne, nothingToChange);
export type CategoryPatch = z.output<typeof categoryPatchBody>;

export const stockStates = ['in_stock', 'low', 'out'] as const;
export const productStatuses = ['active', 'archived'] as const;

export const adminProductListQuery = z.strictObject({
  q: z.string().trim().max(200).optional().describe('Part of the name, slug or a variant’s SKU'),
  status: z.enum(productStatuses).optional(),
  category: categorySlug.optional().describe('A category slug; includes its descendants'),
  stock: z
    .enum(stockStates)
    .optional()
    .describe(
      '`out`: no variant can be bought; `low`: some can, but a variant is at or below the low-stock threshold; `in_stock`: every variant is above it',
    ),
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().max(100).optional(),
});
export type AdminProductListQuery = z.output<typeof adminProductListQuery>;

const timestamps = { createdAt: z.string(), updatedAt: z.string() };

export const adminProductSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(productStatuses),
    gender: z.enum(genders),
    category: z.string().describe('The category’s slug'),
    categoryId: z.string(),
    price: moneySchema.describe('The cheapest variant’s price, as listings show it'),
    compareAtPrice: moneySchema.optional(),
    colors: z.array(z.string()),
    sizes: z.array(z.string()),
    ...timestamps,
    variants: z.array(
      variantSchema.extend({
        onHand: z.number().int(),
        reserved: z.number().int(),
        available: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'AdminProduct' });
export type AdminProduct = z.output<typeof adminProductSchema>;

export const adminProductListItemSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    status: z.enum(productStatuses),
    gender: z.enum(genders),
    category: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    price: moneySchema,
    compareAtPrice: moneySchema.optional(),
    variantCount: z.number().int(),
    unitsOnHand: z.number().int(),
    unitsAvailable: z.number().int().describe('On hand minus reserved, over all variants'),
    stock: z.enum(stockStates),
    ...timestamps,
  })
  .meta({ id: 'AdminProductListItem' });
export type AdminProductListItem = z.output<typeof adminProductListItemSchema>;

export const adminProductListSchema = z.object({
  items: z.array(adminProductListItemSchema),
  nextCursor: z.string().nullable(),
});

export const adminCategorySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    position: z.number().int(),
    ...timestamps,
  })
  .meta({ id: 'AdminCategory' });
export type AdminCategory = z.output<typeof adminCategorySchema>;
