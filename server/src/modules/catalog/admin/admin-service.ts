import { sql } from 'drizzle-orm';
import { writeEvent } from '../../../platform/bus/outbox.js';
import {
  afterCommit,
  inTransaction,
  type Context,
  type TxContext,
} from '../../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../../platform/db/index.js';
import { uuidv7 } from '../../../platform/db/ids.js';
import { isUniqueViolation } from '../../../platform/db/sql-errors.js';
import { Conflict, NotFound, ValidationFailed } from '../../../platform/errors.js';
import { decodeIdCursor, pageOf } from '../../../platform/id-cursor.js';
import { recordAudit } from '../../../platform/audit/record.js';
import { initialiseStock } from '../../inventory/index.js';
import { createCategoryAdmin } from './admin-categories.js';
import * as repo from './admin-repository.js';
import {
  assertNewPair,
  assertPricesHold,
  assertReorder,
  assertWithinLimits,
  skuTaken,
  slugify,
  slugTaken,
  variantsToCreate,
  type NewVariant,
} from './admin-rules.js';
import type {
  AdminProduct,
  AdminProductListQuery,
  ProductCreateInput,
  ProductPatch,
  VariantCreateInput,
  VariantPatch,
} from './admin-schemas.js';
import { money } from '../../../platform/money.js';
import {
  changesBetween,
  productSnapshot,
  toAdminProduct,
  toListItem,
  variantSnapshot,
} from './admin-views.js';
import { productArchived, productCreated, productRestored, productUpdated } from '../events.js';
import { variants as variantsTable } from '../tables.js';

/**
 * The store team's catalog writes. Each runs in one transaction that changes the rows, writes its
 * outbox event and its audit entry; once it has committed, this process retires its cached catalog
 * (`onCatalogChanged`), and the triggers' change log brings every process's facet index up to date.
 *
 * Prices live on variants; the product row shows its cheapest variant's price (as listings do). A
 * product's `price` in a create is the price of each variant that names none; in an update it sets
 * the price of every variant (one price for the product), and a variant priced apart is set through
 * its own endpoint afterwards. See docs/catalog-admin.md.
 */

export interface CatalogAdminDeps {
  db: Db;
  /** Run after a change committed: retire this process's cached catalog pages and search words. */
  onCatalogChanged: () => Promise<void>;
  /**
   * Told when `onCatalogChanged` failed (the cache unreachable): the change stands, and the
   * catalog's consumer of its event retires the pages again, but someone should know.
   */
  onEffectError?: (error: unknown) => void;
  /** Units available at or below which a variant counts as low on stock. */
  lowStockThreshold: number;
}

export function createCatalogAdminService(deps: CatalogAdminDeps) {
  const { db } = deps;
  const changed = (ctx: TxContext) => afterCommit(ctx, deps.onCatalogChanged);
  /** One transaction per use case, whose after-commit failures are reported, not lost. */
  const transaction = <T>(ctx: Context, work: (tx: TxContext) => Promise<T>) =>
    inTransaction(db, ctx, work, deps.onEffectError);

  async function load(q: Queryable, id: string, lock = false): Promise<repo.AdminProductRow> {
    const row = await repo.findAdminProduct(q, id, { lock });
    if (!row) throw new NotFound('No such product.');
    return row;
  }

  async function categoryFor(q: Queryable, reference: string) {
    const category = await repo.resolveCategory(q, reference);
    if (!category) {
      throw new ValidationFailed([{ path: 'body.category', message: 'is not a category' }]);
    }
    return category;
  }

  /** Insert variants with their stock; any SKU another variant holds fails the whole write. */
  async function insertVariants(q: Queryable, productId: string, list: NewVariant[], from = 0) {
    const taken = await repo.takenSkus(
      q,
      list.map((v) => v.sku),
    );
    if (taken.length > 0) throw skuTaken(taken);
    const rows = list.map((v, i) => ({
      id: uuidv7(),
      productId,
      sku: v.sku,
      size: v.size,
      color: v.color,
      priceAmount: v.price,
      compareAtAmount: v.compareAtPrice,
      position: from + i,
    }));
    // Two writers racing for one SKU: the loser inserts nothing for it and is told so.
    const inserted = await q
      .insert(variantsTable)
      .values(rows)
      .onConflictDoNothing({ target: variantsTable.sku })
      .returning({ id: variantsTable.id });
    if (inserted.length < rows.length) {
      const stored = new Set(inserted.map((r) => r.id));
      throw skuTaken(rows.filter((r) => !stored.has(r.id)).map((r) => r.sku));
    }
    await initialiseStock(
      q,
      rows.map((r, i) => ({ variantId: r.id, onHand: list[i]!.onHand })),
    );
    return rows.map((r) => r.id);
  }

  /** Announce, audit and retire caches after an update of a product or its variants. */
  async function updated(
    ctx: TxContext,
    before: repo.AdminProductRow,
    audit: { action: string; target: string; before?: unknown },
    variantIds?: string[],
  ): Promise<AdminProduct> {
    const after = await load(ctx.tx, before.id);
    const changes = changesBetween(before, after);
    if (changes.length > 0) {
      await writeEvent(ctx.tx, productUpdated, {
        productId: after.id,
        slug: after.slug,
        ...(after.slug !== before.slug ? { previousSlug: before.slug } : {}),
        changes,
        price: money(after.price_amount, after.currency),
        ...(variantIds ? { variantIds } : {}),
      });
      const changedVariant = variantIds && after.variants.find((v) => v.id === variantIds[0]);
      await recordAudit(ctx, {
        ...audit,
        after: changedVariant ? variantSnapshot(changedVariant) : productSnapshot(after),
      });
    }
    await changed(ctx);
    return toAdminProduct(after);
  }

  async function setStatus(ctx: Context, id: string, status: 'active' | 'archived') {
    return transaction(ctx, async (tx) => {
      const before = await load(tx.tx, id, true);
      // Idempotent: asking for the state the product is in changes nothing and records nothing.
      if (before.status === status) return toAdminProduct(before);
      await tx.tx.execute(
        sql`UPDATE products SET status = ${status}, updated_at = now() WHERE id = ${id}::uuid`,
      );
      const after = await load(tx.tx, id);
      const event = status === 'archived' ? productArchived : productRestored;
      await writeEvent(tx.tx, event, { productId: id, slug: after.slug });
      await recordAudit(tx, {
        action: status === 'archived' ? 'product.archive' : 'product.restore',
        target: `product:${id}`,
        before: { status: before.status },
        after: { status },
      });
      await changed(tx);
      return toAdminProduct(after);
    });
  }

  return {
    /** Products of every status, newest first, with stock totals. */
    async list(ctx: Context, query: AdminProductListQuery) {
      const { cursor, ...filters } = query;
      const after = cursor ? decodeIdCursor(cursor) : undefined;
      const rows = await repo.listAdminProducts(
        ctx.tx ?? db,
        { ...filters, after },
        deps.lowStockThreshold,
      );
      const page = pageOf(rows, query.limit);
      return { items: page.items.map(toListItem), nextCursor: page.nextCursor };
    },

    /** A product, archived or not, with stock on hand and reserved per variant. */
    get: async (ctx: Context, id: string) => toAdminProduct(await load(ctx.tx ?? db, id)),

    async create(ctx: Context, input: ProductCreateInput): Promise<AdminProduct> {
      return transaction(ctx, async (tx) => {
        const category = await categoryFor(tx.tx, input.category);
        let slug = input.slug;
        let productId: string | undefined;
        // A derived slug takes the next free suffix; one that a concurrent create just took is
        // skipped on the next try. A slug the caller chose is theirs or a 409.
        for (let attempt = 0; !productId && attempt < 3; attempt++) {
          slug = input.slug ?? (await freeSlug(tx.tx, input.name));
          const [row] = await queryRows<{ id: string }>(
            tx.tx,
            sql`INSERT INTO products (id, slug, name, description, gender, category_id, price_amount,
                                      compare_at_amount, colors, sizes)
                VALUES (${uuidv7()}::uuid, ${slug}, ${input.name}, ${input.description}, ${input.gender},
                        ${category.id}::uuid, ${input.price}, ${input.compareAtPrice ?? null}, '{}', '{}')
                ON CONFLICT (slug) DO NOTHING RETURNING id`,
          );
          productId = row?.id;
          if (!productId && input.slug) break;
        }
        if (!productId || !slug) throw slugTaken(slug ?? slugify(input.name));
        const list = variantsToCreate(input, slug);
        const variantIds = await insertVariants(tx.tx, productId, list);
        await repo.syncProduct(tx.tx, productId, {
          ...(input.colors ? { colors: input.colors } : {}),
          ...(input.sizes ? { sizes: input.sizes } : {}),
        });
        const row = await load(tx.tx, productId);
        await repo.addDrawnImages(tx.tx, row, row.colors);
        await writeEvent(tx.tx, productCreated, {
          productId,
          slug,
          name: row.name,
          categoryId: row.category_id,
          price: money(row.price_amount, row.currency),
          variantIds,
        });
        await recordAudit(tx, {
          action: 'product.create',
          target: `product:${productId}`,
          after: productSnapshot(row),
        });
        await changed(tx);
        return toAdminProduct(row);
      });
    },

    async update(ctx: Context, id: string, patch: ProductPatch): Promise<AdminProduct> {
      return transaction(ctx, async (tx) => {
        const before = await load(tx.tx, id, true);
        const category = patch.category ? await categoryFor(tx.tx, patch.category) : undefined;
        const newSlug = patch.slug && patch.slug !== before.slug ? patch.slug : undefined;
        if (newSlug) {
          const [other] = await queryRows(
            tx.tx,
            sql`SELECT 1 FROM products WHERE slug = ${newSlug} AND id <> ${id}::uuid`,
          );
          if (other) throw slugTaken(newSlug);
        }
        assertReorder('colors', patch.colors, before.colors);
        assertReorder('sizes', patch.sizes, before.sizes);
        assertPricesHold(before, patch);
        // The check above cannot see a slug another transaction has taken and not yet committed:
        // this statement then waits for it, and fails on the unique index if it commits.
        await unlessTaken(
          tx.tx.execute(sql`
            UPDATE products SET name = ${patch.name ?? before.name}, slug = ${newSlug ?? before.slug},
              description = ${patch.description ?? before.description},
              gender = ${patch.gender ?? before.gender},
              category_id = ${category?.id ?? before.category_id}::uuid, updated_at = now()
            WHERE id = ${id}::uuid`),
          () => slugTaken(newSlug ?? before.slug),
        );
        if (patch.price !== undefined || patch.compareAtPrice !== undefined) {
          const setCompare = patch.compareAtPrice !== undefined;
          await tx.tx.execute(sql`
            UPDATE variants SET price_amount = COALESCE(${patch.price ?? null}::int, price_amount),
              compare_at_amount = CASE WHEN ${setCompare} THEN ${patch.compareAtPrice ?? null}::int
                                       ELSE compare_at_amount END,
              updated_at = now()
            WHERE product_id = ${id}::uuid`);
        }
        if (newSlug) await repo.moveDrawnImages(tx.tx, id, before.slug, newSlug);
        await repo.syncProduct(tx.tx, id, {
          ...(patch.colors ? { colors: patch.colors } : {}),
          ...(patch.sizes ? { sizes: patch.sizes } : {}),
        });
        return updated(tx, before, {
          action: 'product.update',
          target: `product:${id}`,
          before: productSnapshot(before),
        });
      });
    },

    /** Off the storefront at once (listing, search, product page); orders keep their lines. */
    archive: (ctx: Context, id: string) => setStatus(ctx, id, 'archived'),
    restore: (ctx: Context, id: string) => setStatus(ctx, id, 'active'),

    async createVariant(
      ctx: Context,
      productId: string,
      input: VariantCreateInput,
    ): Promise<AdminProduct> {
      return transaction(ctx, async (tx) => {
        // The product's row lock makes its variant changes one at a time (the size-and-colour rule).
        const before = await load(tx.tx, productId, true);
        assertNewPair(before, input.size, input.color);
        assertWithinLimits(before, input.size, input.color);
        const from = Math.max(-1, ...before.variants.map((v) => v.position)) + 1;
        const [variantId] = await insertVariants(
          tx.tx,
          productId,
          [{ ...input, compareAtPrice: input.compareAtPrice ?? null }],
          from,
        );
        await repo.syncProduct(tx.tx, productId);
        await repo.addDrawnImages(tx.tx, before, [input.color]);
        return updated(tx, before, { action: 'variant.create', target: `variant:${variantId}` }, [
          variantId!,
        ]);
      });
    },

    async updateVariant(ctx: Context, variantId: string, patch: VariantPatch) {
      return transaction(ctx, async (tx) => {
        const [owner] = await queryRows<{ product_id: string }>(
          tx.tx,
          sql`SELECT product_id FROM variants WHERE id = ${variantId}::uuid`,
        );
        if (!owner) throw new NotFound('No such variant.');
        const before = await load(tx.tx, owner.product_id, true);
        const variant = before.variants.find((v) => v.id === variantId);
        if (!variant) throw new NotFound('No such variant.');
        const size = patch.size ?? variant.size;
        const color = patch.color ?? variant.color;
        if (size !== variant.size || color !== variant.color) {
          if (await repo.variantOrdered(tx.tx, variantId)) {
            throw new Conflict(
              'variant_in_use',
              'Orders hold this variant, so its size and colour stay as sold; add a new variant instead.',
            );
          }
          assertNewPair(before, size, color, variantId);
          assertWithinLimits(before, size, color, variantId);
        }
        const sku = patch.sku ?? variant.sku;
        if (sku !== variant.sku && (await repo.takenSkus(tx.tx, [sku])).length > 0) {
          throw skuTaken([sku]);
        }
        const price = patch.price ?? variant.price_amount;
        const compareAt =
          patch.compareAtPrice === undefined ? variant.compare_at_amount : patch.compareAtPrice;
        if (compareAt !== null && compareAt <= price) {
          throw new ValidationFailed([
            {
              path: 'body.compareAtPrice',
              message: `${compareAt} is not above the price ${price}`,
            },
          ]);
        }
        // As for a slug: a SKU another transaction has just taken shows up here, not above.
        await unlessTaken(
          tx.tx.execute(sql`
            UPDATE variants SET sku = ${sku}, size = ${size}, color = ${color}, price_amount = ${price},
              compare_at_amount = ${compareAt}, updated_at = now()
            WHERE id = ${variantId}::uuid`),
          () => skuTaken([sku]),
        );
        await repo.syncProduct(tx.tx, before.id);
        if (color !== variant.color) await repo.addDrawnImages(tx.tx, before, [color]);
        return updated(
          tx,
          before,
          {
            action: 'variant.update',
            target: `variant:${variantId}`,
            before: variantSnapshot(variant),
          },
          [variantId],
        );
      });
    },

    ...createCategoryAdmin({ changed, transaction }),
  };
}

/** The statement, with a unique-index refusal (a lost race for a key) told as `taken()`. */
async function unlessTaken<T>(statement: Promise<T>, taken: () => Error): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    throw isUniqueViolation(error) ? taken() : error;
  }
}

/** The name's slug, or the same with the first free numeric suffix. */
async function freeSlug(q: Queryable, name: string): Promise<string> {
  const base = slugify(name) || 'product';
  const taken = await repo.slugsLike(q, base);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export type CatalogAdminService = ReturnType<typeof createCatalogAdminService>;
