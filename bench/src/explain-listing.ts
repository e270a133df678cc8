/**
 * The SQL behind an uncached listing, explained in the benchmark's store process (serve.ts) for the
 * scale test's plans.
 */
import { sql, type SQL } from 'drizzle-orm';
import * as repository from '../../server/src/modules/catalog/listing/repository.js';
import { listProductsQuery } from '../../server/src/modules/catalog/schemas.js';
import type { CatalogService } from '../../server/src/modules/catalog/listing/service.js';
import { anonymous } from '../../server/src/platform/context.js';
import type { Queryable } from '../../server/src/platform/db/index.js';
import type { QueryPlan } from './protocol.js';

/** EXPLAIN ANALYZE of the two queries behind an uncached listing, run through the repository itself. */
export async function explainListing(
  db: Queryable,
  catalog: CatalogService,
  queryString: string,
): Promise<QueryPlan[]> {
  // Resolved as the service resolves it (category subtree, spelling), so the plans are the served ones.
  const query = await catalog.filterFor(
    listProductsQuery.parse(Object.fromEntries(new URLSearchParams(queryString))),
  );
  const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
  const plans: QueryPlan[] = [];
  const explaining = (name: string) => {
    const lines: string[] = [];
    plans.push({ name, lines });
    // Quacks like the database for `queryRows`: runs EXPLAIN of each statement and keeps its lines.
    return {
      execute: async (statement: SQL) => {
        const result = (await db.execute(
          sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}`,
        )) as unknown as { rows: Record<string, string>[] };
        for (const row of result.rows) lines.push(Object.values(row)[0] ?? '');
        return { rows: [{}] };
      },
    } as unknown as Queryable;
  };
  // The stand-in answers every statement with an empty row, so whatever the functions build from
  // the result afterwards may fail; the plans were captured before that.
  // What an uncached listing runs: the search ranking (with `q`, once per query text) and the
  // page's rows; the facets and the page's ids come from the facet index in memory.
  const listing = JSON.parse(
    (
      await catalog.listProducts(
        anonymous,
        listProductsQuery.parse(Object.fromEntries(new URLSearchParams(queryString))),
      )
    ).body,
  ) as { items: { id: string }[] };
  if (query.q) await repository.searchRanking(explaining('searchRanking'), query).catch(() => {});
  await repository
    .summariesByIds(
      explaining('summariesByIds'),
      listing.items.map((item) => item.id),
    )
    .catch(() => {});
  // The same listing stated in SQL alone (the index's reference), for comparison.
  await repository.listProducts(explaining('listProducts'), query, sort, null).catch(() => {});
  await repository.productFacets(explaining('productFacets'), query).catch(() => {});
  return plans;
}
