import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { anonymous, inTransaction, type TxContext } from '../../../platform/context.js';
import { queryRows } from '../../../platform/db/index.js';
import { eventually, type Backend } from '../../../../test/harness.js';
import { checkoutKit } from '../../../../test/kits/checkout.js';
import type { AdminProduct } from './admin-schemas.js';
import type { ProductList } from '../schemas.js';

/** What the admin catalog tests share: the checkout kit (a store, an admin, orders) and calls. */
export function adminCatalogKit(backend: Backend) {
  const kit = checkoutKit(backend);
  const unique = () => randomBytes(3).toString('hex');
  const admin = () => kit.admin();

  async function create(overrides: Record<string, unknown> = {}): Promise<AdminProduct> {
    const response = await kit.post('/admin/products', productBody(overrides), admin());
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as AdminProduct;
  }
  const productBody = (overrides: Record<string, unknown> = {}) => ({
    name: `Aurora Shell ${unique()}`,
    description: 'A light shell for wet runs.',
    gender: 'women',
    category: 'running-tops',
    price: 12_900,
    colors: ['Black', 'Zircon Mist'],
    sizes: ['S', 'M'],
    onHand: 4,
    ...overrides,
  });
  const listing = async (query: string): Promise<ProductList> => {
    const response = await kit.get(`/products?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ProductList;
  };
  const count = (facet: { value: string; count: number }[], value: string) =>
    facet.find((f) => f.value === value)?.count ?? 0;
  const audit = async (target: string) =>
    (
      (await kit.get(`/admin/audit?target=${target}&limit=50`, admin())).json() as {
        items: { action: string; before: unknown; after: unknown }[];
      }
    ).items;
  const outbox = (type: string, id: string) =>
    kit.count(sql`SELECT count(*)::int AS n FROM outbox WHERE type = ${type}
                  AND payload->>'productId' = ${id}`);

  type Answer = Awaited<ReturnType<typeof kit.request>>;
  /**
   * Run `first` in a transaction held open until `second` (a request for the same slug or SKU) has
   * passed its check and waits on the unique index; then commit, and answer what `second` got. On
   * PGlite (one connection) `second` cannot begin before the commit, so it meets the committed
   * value at its check instead.
   */
  async function race(first: (ctx: TxContext) => Promise<unknown>, second: () => Promise<Answer>) {
    const db = kit.ctx.store.adapters.database.db;
    let pending: Promise<Answer> | undefined;
    await inTransaction(db, anonymous, async (tx) => {
      await first(tx);
      pending = second();
      if (backend === 'services') {
        const waiting = sql`SELECT 1 FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        await eventually(async () => (await queryRows(db, waiting)).length > 0);
      }
    });
    return (await pending) as Answer;
  }

  return { ...kit, unique, create, productBody, listing, count, audit, outbox, race };
}
