import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../platform/db/index.js';
import {
  createFacetIndex,
  type CategoryLabel,
  type FacetIndex,
  type ProductFacts,
  type SearchMatch,
} from './facet-index.js';
import {
  listCategories,
  searchRanking,
  type CategoryRow,
  type ListingFilter,
} from './repository.js';

/**
 * This process's facet index, kept current. PostgreSQL triggers log, per statement, which products'
 * listing facts changed and in which transaction (`catalog_changes`). When the catalog version moves
 * (every change bumps it, here or in another process) the index catches up before answering: it
 * reads the log rows of every transaction that finished since its last read, by transaction id
 * rather than by time or insertion order, so a transaction that committed late is never skipped,
 * and reloads just those products. A long gap, or a flood of changes, rebuilds it instead.
 */

export interface FacetSourceOptions {
  /** Changes in one catch-up beyond which a rebuild is cheaper (and at least this share of products). */
  rebuildAfterChanges?: number;
  /** Catch up at least this often even if no version change was seen (a change made outside the store). */
  maxStaleMs?: number;
}

/** Log rows older than this are pruned; a process that has not caught up for half of it rebuilds. */
const logRetentionMs = 60 * 60_000;
const searchCacheEntries = 500;

interface FactsRow {
  id: string;
  active: boolean;
  gender: string;
  category_id: string;
  price: number;
  created: number;
  sizes: string[];
  colors: string[];
  in_stock: string[];
  on_sale: boolean;
}

/**
 * The facts of the products `where` picks, with the size and colour of each variant in stock: per
 * product for a few products (a catch-up), in one grouped pass over all stock for a rebuild.
 */
async function loadFacts(db: Db, where: SQL, scope: 'few' | 'all'): Promise<ProductFacts[]> {
  const stock =
    scope === 'few'
      ? sql`LEFT JOIN LATERAL (
          SELECT array_agg(v.size || chr(31) || v.color) AS pairs
          FROM variants v JOIN stock_levels s ON s.variant_id = v.id
          WHERE v.product_id = p.id AND s.on_hand > s.reserved
        ) stock ON TRUE`
      : sql`LEFT JOIN (
          SELECT v.product_id, array_agg(v.size || chr(31) || v.color) AS pairs
          FROM variants v JOIN stock_levels s ON s.variant_id = v.id
          WHERE s.on_hand > s.reserved
          GROUP BY v.product_id
        ) stock ON stock.product_id = p.id`;
  const rows = await queryRows<FactsRow>(
    db,
    sql`SELECT p.id::text AS id, p.status = 'active' AS active, p.gender, p.category_id::text AS category_id,
               p.price_amount AS price, (extract(epoch FROM p.created_at) * 1000000)::float8 AS created,
               p.sizes, p.colors, COALESCE(stock.pairs, '{}') AS in_stock,
               COALESCE(p.compare_at_amount > p.price_amount, false) AS on_sale
        FROM products p ${stock}
        WHERE ${where}`,
  );
  return rows.map((row) => ({
    id: row.id,
    active: row.active,
    gender: row.gender,
    categoryId: row.category_id,
    price: row.price,
    created: Number(row.created),
    sizes: row.sizes,
    colors: row.colors,
    onSale: row.on_sale,
    inStock: row.in_stock.map((pair) => {
      const [size = '', color = ''] = pair.split('\u001f');
      return { size, color };
    }),
  }));
}

/** The oldest transaction still running: every transaction before it has finished. */
async function horizon(db: Db): Promise<string> {
  const [row] = await queryRows<{ horizon: string }>(
    db,
    sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
  );
  return row!.horizon;
}

interface State {
  index: FacetIndex;
  version: string;
  /** Log rows of transactions from this id on may not have been applied yet. */
  horizon: string;
  caughtUpAt: number;
  /** Search matches against this index, by query text (least recently used first out). */
  searches: Map<string, Promise<SearchMatch>>;
}

export function createFacetSource(db: Db, options: FacetSourceOptions = {}) {
  const rebuildAfter = options.rebuildAfterChanges ?? 2_000;
  const maxStaleMs = options.maxStaleMs ?? 60_000;
  let state: State | undefined;
  let refreshing: Promise<void> | undefined;
  let prunedAt = 0;

  async function build(version: string): Promise<State> {
    // The horizon first: whatever finished before it is in the load below; anything later is read
    // again from the log at the next catch-up (reapplying a product is harmless).
    const from = await horizon(db);
    const [facts, categories] = await Promise.all([
      loadFacts(db, sql`p.status = 'active'`, 'all'),
      listCategories(db),
    ]);
    return {
      index: createFacetIndex(facts, categories.map(categoryLabel)),
      version,
      horizon: from,
      caughtUpAt: Date.now(),
      searches: new Map(),
    };
  }

  async function catchUp(current: State, version: string): Promise<State> {
    const [row] = await queryRows<{ horizon: string; ids: string[]; products: boolean }>(
      db,
      sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
                 COALESCE(array_agg(DISTINCT changed.id::text), '{}') AS ids,
                 COALESCE(bool_or(changed.kind = 'product'), false) AS products
          FROM (SELECT c.kind, unnest(c.product_ids) AS id FROM catalog_changes c
                WHERE c.xid >= ${current.horizon}::xid8) changed`,
    );
    const { ids, products } = row!;
    if (ids.length > Math.max(rebuildAfter, current.index.size() / 10)) return build(version);
    if (ids.length > 0) {
      const facts = await loadFacts(db, sql`p.id = ANY(${sql.param(ids)}::uuid[])`, 'few');
      const found = new Set(facts.map((f) => f.id));
      for (const fact of facts) current.index.upsert(fact);
      for (const id of ids) {
        if (!found.has(id)) current.index.upsert(removed(id));
      }
    }
    if (products) {
      current.index.setCategories((await listCategories(db)).map(categoryLabel));
      current.searches.clear();
    }
    return { ...current, version, horizon: row!.horizon, caughtUpAt: Date.now() };
  }

  async function prune() {
    if (Date.now() - prunedAt < logRetentionMs / 6) return;
    prunedAt = Date.now();
    await db.execute(
      sql`DELETE FROM catalog_changes WHERE changed_at < now() - ${`${logRetentionMs / 1000} seconds`}::interval`,
    );
  }

  async function refresh(version: string): Promise<void> {
    state =
      !state || Date.now() - state.caughtUpAt > logRetentionMs / 2
        ? await build(version)
        : await catchUp(state, version);
    await prune();
  }

  return {
    /** The index as of catalog `version` (caught up first if the version moved). */
    async current(version: string): Promise<FacetIndex> {
      for (;;) {
        if (state && state.version === version && Date.now() - state.caughtUpAt < maxStaleMs) {
          return state.index;
        }
        if (!refreshing) {
          refreshing = refresh(version).finally(() => {
            refreshing = undefined;
          });
        }
        await refreshing;
        if (state?.version === version) return state.index;
      }
    },

    /** The products a search matches, best first; computed once per query text per catalog. */
    search(index: FacetIndex, filter: ListingFilter): Promise<SearchMatch> {
      const searches = state?.index === index ? state.searches : new Map();
      const key = `${filter.q ?? ''}\u0000${filter.qCorrected ?? ''}`;
      let match = searches.get(key);
      if (match) {
        searches.delete(key);
      } else {
        match = searchRanking(db, filter).then((ids) => index.searchMatch(ids));
        match.catch(() => searches.delete(key));
      }
      searches.set(key, match);
      for (const oldest of searches.keys()) {
        if (searches.size <= searchCacheEntries) break;
        searches.delete(oldest);
      }
      return match;
    },
  };
}

const categoryLabel = (row: CategoryRow): CategoryLabel => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  parentId: row.parent_id,
});

const removed = (id: string): ProductFacts => ({
  id,
  active: false,
  gender: '',
  categoryId: '',
  price: 0,
  created: 0,
  sizes: [],
  colors: [],
  onSale: false,
  inStock: [],
});

export type FacetSource = ReturnType<typeof createFacetSource>;
