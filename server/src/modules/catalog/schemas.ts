import { z } from 'zod';
import { moneySchema } from '../../platform/money.js';

export const genders = ['men', 'women', 'kids', 'unisex'] as const;
export const sorts = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;

/** `size=M,L` and `size=M&size=L` mean the same; values are matched exactly as the facets list them. */
const multiValue = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(40)
          .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters'),
      )
      .max(20),
  );

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const minorUnits = z.coerce.number().int().min(0).max(100_000_000);

export const listProductsQuery = z
  .object({
    q: z
      .string()
      .trim()
      .max(200)
      .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
      .optional(),
    category: z
      .string()
      .max(80, { message: 'must be a category slug', abort: true })
      .regex(/^[a-z0-9-]{1,80}$/, 'must be a category slug')
      .optional(),
    gender: z.enum(genders).optional(),
    size: multiValue.optional(),
    color: multiValue.optional(),
    minPrice: minorUnits.optional(),
    maxPrice: minorUnits.optional(),
    inStock: booleanFlag.optional(),
    onSale: booleanFlag
      .optional()
      .describe('Only products marked down (a compare-at price above the price)'),
    sort: z.enum(sorts).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(24),
    cursor: z.string().max(512).optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    path: ['maxPrice'],
    message: 'must not be below minPrice',
  });

export type ListProductsQuery = z.output<typeof listProductsQuery>;

/**
 * What `<picture>` needs of a processed photo (`image-processing.ts`); absent for a drawn
 * illustration (an SVG, sharp at any size) and for a photo uploaded before uploads were processed.
 */
export const renditionFields = {
  width: z
    .number()
    .int()
    .optional()
    .describe('Width in px of the largest rendition (with height: the aspect ratio)'),
  height: z.number().int().optional(),
  placeholder: z
    .string()
    .optional()
    .describe('A tiny blurred version as a data: URI, to show while the image loads'),
  srcset: z
    .object({
      base: z.string(),
      widths: z.array(z.number().int()),
      formats: z.array(z.enum(['avif', 'webp', 'jpg'])).describe('Best first; jpg always'),
    })
    .optional()
    .describe('The rendition of width W in format F is at `${base}-${W}.${F}`'),
};

const imageSchema = z
  .object({
    url: z.string().describe('The image: for a photo, its largest JPEG'),
    alt: z.string(),
    ...renditionFields,
  })
  .meta({ id: 'Image' });
const categoryRef = z
  .object({ id: z.string(), slug: z.string(), name: z.string() })
  .meta({ id: 'CategoryRef' });

export const productSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    gender: z.enum(genders),
    category: categoryRef,
    image: imageSchema.nullable(),
    price: moneySchema,
    compareAtPrice: moneySchema.optional(),
    colors: z.array(z.string()),
    sizes: z.array(z.string()),
    available: z.number().int().describe('Units that can still be bought, over all variants'),
  })
  .meta({ id: 'ProductSummary' });

const facetValue = z.object({
  value: z.string(),
  label: z.string().optional(),
  count: z.number().int(),
});

export const productListSchema = z
  .object({
    items: z.array(productSummarySchema),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    correctedQuery: z
      .string()
      .optional()
      .describe(
        'When a search word was not a catalog word: the query with it corrected (both spellings were searched), for a "did you mean"',
      ),
    facets: z.object({
      size: z.array(facetValue),
      color: z.array(facetValue),
      gender: z.array(facetValue),
      category: z.array(facetValue),
      price: z.object({ min: z.number().int().nullable(), max: z.number().int().nullable() }),
    }),
  })
  .meta({ id: 'ProductList' });

/** A variant as a cart line or an order line shows it: what it is, and how it looks. */
export const lineVariantFields = {
  variantId: z.string(),
  sku: z.string(),
  productSlug: z.string(),
  name: z.string(),
  size: z.string(),
  color: z.string(),
  image: z.object({ url: z.string(), alt: z.string() }).nullable(),
};

export const variantSchema = z.object({
  id: z.string(),
  sku: z.string(),
  size: z.string(),
  color: z.string(),
  price: moneySchema,
  compareAtPrice: moneySchema.optional(),
});

export const productSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    gender: z.enum(genders),
    category: categoryRef,
    images: z.array(imageSchema.extend({ color: z.string() })),
    price: moneySchema,
    compareAtPrice: moneySchema.optional(),
    colors: z.array(z.string()),
    sizes: z.array(z.string()),
    variants: z.array(variantSchema.extend({ available: z.number().int() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Product' });

export interface CategoryNode {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  children: CategoryNode[];
}

export const categoryNodeSchema: z.ZodType<CategoryNode> = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    get children() {
      return z.array(categoryNodeSchema);
    },
  })
  .meta({ id: 'Category' });

export const categoryTreeSchema = z.object({ items: z.array(categoryNodeSchema) });

export const slugParams = z.object({ slug: z.string().min(1).max(200) });

export type ProductSummary = z.output<typeof productSummarySchema>;
export type ProductList = z.output<typeof productListSchema>;
export type Product = z.output<typeof productSchema>;
