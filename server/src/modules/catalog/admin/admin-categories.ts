import { sql } from 'drizzle-orm';
import { writeEvent } from '../../../platform/bus/outbox.js';
import type { Context, TxContext } from '../../../platform/context.js';
import { queryRows, type Queryable } from '../../../platform/db/index.js';
import { uuidv7 } from '../../../platform/db/ids.js';
import { Conflict, NotFound, ValidationFailed } from '../../../platform/errors.js';
import { recordAudit } from '../../../platform/audit/record.js';
import * as repo from './admin-repository.js';
import { slugTaken } from './admin-rules.js';
import type { AdminCategory, CategoryCreateInput, CategoryPatch } from './admin-schemas.js';
import { categoryChanged } from '../events.js';

/**
 * The category tree, as the store team changes it: create, rename (slug and name), move under
 * another parent, reorder among siblings. Category writes take one lock for the whole tree, so two
 * moves can never build a cycle between them (each checks the tree the other has left).
 *
 * Products carry their category's and its parent's names in their search keywords, so a rename or
 * a move rewrites those of the products below it in the same transaction; the products trigger logs
 * that, and every process's facet index reloads its category labels and subtrees when it catches
 * up. The `/categories` tree is cached per catalog version, which the commit retires.
 */

const toAdminCategory = (row: repo.CategoryRecord): AdminCategory => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  parentId: row.parent_id,
  position: row.position,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

const snapshot = (row: repo.CategoryRecord) => ({
  slug: row.slug,
  name: row.name,
  parentId: row.parent_id,
  position: row.position,
});

/** One category write at a time: the cycle check reads a tree nobody else is moving. */
const lockTree = (tx: Queryable) =>
  tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('catalog.category-tree', 0))`);

export function createCategoryAdmin(deps: {
  /** Run one use case in its transaction, as the product writes do (`admin-service.ts`). */
  transaction: <T>(ctx: Context, work: (tx: TxContext) => Promise<T>) => Promise<T>;
  /** Retire this process's cached catalog once the transaction has committed. */
  changed: (ctx: TxContext) => Promise<void>;
}) {
  const { transaction } = deps;

  async function parentFor(q: Queryable, reference: string | null | undefined) {
    if (!reference) return null;
    const parent = await repo.resolveCategory(q, reference);
    if (!parent)
      throw new ValidationFailed([{ path: 'body.parent', message: 'is not a category' }]);
    return parent;
  }

  return {
    async createCategory(ctx: Context, input: CategoryCreateInput): Promise<AdminCategory> {
      return transaction(ctx, async (tx) => {
        await lockTree(tx.tx);
        const parent = await parentFor(tx.tx, input.parent);
        const position =
          input.position ?? (await repo.nextCategoryPosition(tx.tx, parent?.id ?? null));
        const [row] = await queryRows<repo.CategoryRecord>(
          tx.tx,
          sql`INSERT INTO categories (id, slug, name, parent_id, position)
              VALUES (${uuidv7()}::uuid, ${input.slug}, ${input.name}, ${parent?.id ?? null}::uuid, ${position})
              ON CONFLICT (slug) DO NOTHING
              RETURNING id, slug, name, parent_id, position, created_at, updated_at`,
        );
        if (!row) throw slugTaken(input.slug, 'category');
        await writeEvent(tx.tx, categoryChanged, {
          categoryId: row.id,
          slug: row.slug,
          parentId: row.parent_id,
          change: 'created',
        });
        await recordAudit(tx, {
          action: 'category.create',
          target: `category:${row.id}`,
          after: snapshot(row),
        });
        await deps.changed(tx);
        return toAdminCategory(row);
      });
    },

    async updateCategory(ctx: Context, id: string, patch: CategoryPatch): Promise<AdminCategory> {
      return transaction(ctx, async (tx) => {
        await lockTree(tx.tx);
        const before = await repo.resolveCategory(tx.tx, id, { lock: true });
        if (!before) throw new NotFound('No such category.');
        let parentId = before.parent_id;
        if (patch.parent !== undefined) {
          const parent = await parentFor(tx.tx, patch.parent);
          parentId = parent?.id ?? null;
          if (parentId && (await repo.subtreeIds(tx.tx, id)).includes(parentId)) {
            throw new Conflict(
              'category_cycle',
              'A category cannot move under itself or one of its own descendants.',
              { parentId },
            );
          }
        }
        if (patch.slug && patch.slug !== before.slug) {
          const [other] = await queryRows(
            tx.tx,
            sql`SELECT 1 FROM categories WHERE slug = ${patch.slug} AND id <> ${id}::uuid`,
          );
          if (other) throw slugTaken(patch.slug, 'category');
        }
        const moved = parentId !== before.parent_id;
        // A category that moves goes last among its new siblings unless a position is given.
        const position =
          patch.position ??
          (moved ? await repo.nextCategoryPosition(tx.tx, parentId) : before.position);
        const [row] = await queryRows<repo.CategoryRecord>(
          tx.tx,
          sql`UPDATE categories SET slug = ${patch.slug ?? before.slug}, name = ${patch.name ?? before.name},
                parent_id = ${parentId}::uuid, position = ${position}, updated_at = now()
              WHERE id = ${id}::uuid
              RETURNING id, slug, name, parent_id, position, created_at, updated_at`,
        );
        if (!row) throw new NotFound('No such category.');
        const unchanged = JSON.stringify(snapshot(row)) === JSON.stringify(snapshot(before));
        if (!unchanged) {
          // Every product below, not only those whose keywords name this category: that update is
          // what makes each process's facet index reload the tree (see the comment at the top).
          await repo.refreshSearchKeywords(
            tx.tx,
            repo.inCategories(await repo.subtreeIds(tx.tx, id)),
          );
          await writeEvent(tx.tx, categoryChanged, {
            categoryId: id,
            slug: row.slug,
            parentId: row.parent_id,
            change: 'updated',
          });
          await recordAudit(tx, {
            action: 'category.update',
            target: `category:${id}`,
            before: snapshot(before),
            after: snapshot(row),
          });
        }
        await deps.changed(tx);
        return toAdminCategory(row);
      });
    },
  };
}
