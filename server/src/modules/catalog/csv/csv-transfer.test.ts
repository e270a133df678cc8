import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { expect, it } from 'vitest';
import { queryRows } from '../../../platform/db/index.js';
import { describeEachBackend } from '../../../../test/harness.js';
import { catalogCsvColumns } from './csv-format.js';
import { csvCatalogKit, header, type InvalidImport } from './csv-test-kit.js';
import type { Product, ProductList } from '../schemas.js';

interface Summary {
  dryRun: boolean;
  rows: number;
  products: { created: number; updated: number; unchanged: number };
  variants: { created: number; updated: number; unchanged: number };
  stockChanged: number;
  items: { slug: string; action: string }[];
}

/** The catalog CSV: export, import (dry run and real, all or nothing), and what the shop sees after. */
describeEachBackend('catalog CSV (%s)', (backend) => {
  const kit = csvCatalogKit(backend);
  const { unique, exportCsv, importCsv } = kit;

  const counts = async () => ({
    products: await kit.count(sql`SELECT count(*)::int AS n FROM products`),
    variants: await kit.count(sql`SELECT count(*)::int AS n FROM variants`),
    onHand: await kit.count(sql`SELECT COALESCE(sum(on_hand), 0)::int AS n FROM stock_levels`),
    audit: await kit.count(sql`SELECT count(*)::int AS n FROM audit_log`),
  });

  it('exports every variant, and imports its own export back without a change', async () => {
    const first = await exportCsv();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(first.headers['content-disposition']).toMatch(
      /^attachment; filename="products-.*\.csv"$/,
    );
    const records = parse(first.body) as string[][];
    expect(records[0]).toEqual([...catalogCsvColumns]);
    expect(records.length - 1).toBe(await kit.count(sql`SELECT count(*)::int AS n FROM variants`));

    const before = await counts();
    const imported = await importCsv(first.body, false);
    expect(imported.statusCode, imported.body).toBe(200);
    const summary = imported.json() as Summary;
    expect(summary).toMatchObject({
      dryRun: false,
      rows: records.length - 1,
      products: { created: 0, updated: 0, unchanged: before.products },
      variants: { created: 0, updated: 0, unchanged: before.variants },
      stockChanged: 0,
    });
    const again = await exportCsv();
    expect(again.body).toBe(first.body);
    expect(await counts()).toEqual({ ...before, audit: before.audit + 1 });
    // The contract's name for the export answers the same.
    const alias = await kit.ctx.store.app.inject({
      url: '/api/v1/admin/products/export',
      headers: kit.admin(),
    });
    expect(alias.body).toBe(first.body);
  });

  type Cells = Partial<Record<(typeof catalogCsvColumns)[number], string>>;
  /** One row of a valid new variant, but for `cells`. */
  const csvRow = (cells: Cells) => {
    const all: Record<string, string> = {
      product_slug: `tee-${unique()}`,
      product_name: 'Bad Tee',
      description: 'x',
      gender: 'men',
      category_slug: 'running-tops',
      status: 'active',
      color: 'Black',
      size: 'M',
      sku: `TEE-${unique()}`,
      price: '12.00',
      compare_at_price: '',
      on_hand: '3',
      ...cells,
    };
    return catalogCsvColumns.map((column) => all[column]).join(',');
  };

  it('reports each bad row with its line and stores nothing', async () => {
    const slug = `bad-${unique()}`;
    const row = (cells: Cells) => csvRow({ product_slug: slug, sku: `BAD-${unique()}`, ...cells });
    const text = [
      header,
      row({ size: 'S' }), // 2: fine
      row({ product_slug: `${slug}-2`, category_slug: 'no-such-category' }), // 3
      row({ size: 'L', price: '12.345' }), // 4
      row({ size: 'XL', sku: 'DUP-1' }), // 5
      row({ size: 'XXL', sku: 'DUP-1' }), // 6
      row({ size: 'XS', on_hand: '-1' }), // 7
      row({ product_slug: `${slug}-3`, product_name: '' }), // 8
    ].join('\n');
    const before = await counts();
    for (const dryRun of [true, false]) {
      const response = await importCsv(text, dryRun);
      expect(response.statusCode, response.body).toBe(422);
      const problem = response.json() as InvalidImport;
      expect(problem.code).toBe('import_invalid');
      expect(problem.rows.map((r) => [r.line, r.errors.map((e) => e.field)])).toEqual([
        [3, ['category_slug']],
        [4, ['price']],
        [6, ['sku']],
        [7, ['on_hand']],
        [8, ['product_name']],
      ]);
      expect(problem.errors).toContainEqual({
        path: 'line 4.price',
        message: '"12.345" has 3 decimals; USD has 2',
      });
    }
    expect(await counts()).toEqual(before);
    expect((await kit.get(`/products/${slug}`)).statusCode).toBe(404);
  });

  it('answers a 9 MB cell with its row’s problem, short, and stores nothing', async () => {
    const huge = 'ab-'.repeat(3_000_000);
    const sku = `HUGE-${unique()}`;
    const before = await counts();
    for (const [column, message] of [
      ['description', 'must be at most 10,000 characters'],
      ['product_name', 'must be at most 200 characters'],
      ['sku', 'must be at most 100 characters'],
      ['price', expect.stringMatching(/^"ab-ab-.{0,60}…" is not an amount/)],
      [
        'on_hand',
        expect.stringMatching(/^must be a whole number from 0 to 1000000, not "ab-.{0,60}…"$/),
      ],
    ] as const) {
      const response = await importCsv(`${header}\n${csvRow({ sku, [column]: huge })}`, false);
      expect(response.statusCode, response.body.slice(0, 300)).toBe(422);
      expect(response.body.length, column).toBeLessThan(2_000);
      const problem = response.json() as InvalidImport;
      expect(problem.code).toBe('import_invalid');
      expect(problem.rows).toEqual([
        {
          line: 2,
          ...(column === 'sku' ? {} : { sku }),
          errors: [{ field: column, message }],
        },
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it('creates products a dry run only reports, and they appear in listings and facets at once', async () => {
    const slug = `storm-shell-${unique()}`;
    const color = `Glacier ${unique()}`;
    const text = [
      header,
      `${slug},Storm Shell,"Sealed seams, 2.5-layer.",women,running-tops,active,${color},S,SS-${slug}-S,49.99,59.99,5`,
      `${slug},Storm Shell,"Sealed seams, 2.5-layer.",women,running-tops,active,${color},M,SS-${slug}-M,49.99,59.99,0`,
      `${slug},Storm Shell,"Sealed seams, 2.5-layer.",women,running-tops,active,Black,M,SS-${slug}-BM,54.10,,2`,
    ].join('\r\n');
    // The listing is cached before the import: the import must retire it.
    const listing = async () =>
      (
        await kit.get(`/products?category=running-tops&color=${encodeURIComponent(color)}`)
      ).json() as ProductList;
    expect((await listing()).total).toBe(0);

    const before = await counts();
    const dry = await importCsv(text, true);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      rows: 3,
      products: { created: 1, updated: 0 },
      variants: { created: 3 },
      items: [{ slug, action: 'create' }],
    });
    expect(await counts()).toEqual(before);
    expect((await kit.get(`/products/${slug}`)).statusCode).toBe(404);

    const real = await importCsv(text, false);
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toMatchObject({ dryRun: false, products: { created: 1 } });
    const page = await listing();
    expect(page.items.map((item) => item.slug)).toEqual([slug]);
    expect(page.facets.color).toContainEqual({ value: color, count: 1 });
    const product = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(product).toMatchObject({
      name: 'Storm Shell',
      description: 'Sealed seams, 2.5-layer.',
      gender: 'women',
      price: { amount: 4999, currency: 'USD' },
      compareAtPrice: { amount: 5999 },
      colors: [color, 'Black'],
      sizes: ['S', 'M'],
    });
    expect(product.variants.map((v) => [v.sku, v.price.amount, v.available])).toEqual([
      [`SS-${slug}-S`, 4999, 5],
      [`SS-${slug}-M`, 4999, 0],
      [`SS-${slug}-BM`, 5410, 2],
    ]);
    expect(product.images.map((i) => i.color)).toEqual([color, 'Black']);
    const search = (
      await kit.get(`/products?q=${encodeURIComponent('storm shell')}`)
    ).json() as ProductList;
    expect(search.items.map((item) => item.slug)).toContain(slug);
    const [audit] = (
      (await kit.get('/admin/audit?action=catalog.import&limit=1', kit.admin())).json() as {
        items: { after: { products: { created: number } } }[];
      }
    ).items;
    expect(audit?.after.products.created).toBe(1);
    const events = async (type: string) =>
      (
        await queryRows<{ payload: { changes?: string[]; variantIds?: string[] } }>(
          kit.ctx.store.adapters.database.db,
          sql`SELECT payload FROM outbox WHERE type = ${type} AND payload->>'slug' = ${slug}`,
        )
      ).map((row) => row.payload);
    expect(await events('product_created')).toEqual([
      expect.objectContaining({ variantIds: product.variants.map((v) => v.id) }),
    ]);

    // Updated by the same route: a new price and stock, matched by SKU.
    const update = text.replace(`M,SS-${slug}-BM,54.10,,2`, `M,SS-${slug}-BM,39.00,,7`);
    const updated = await importCsv(update, false);
    expect(updated.json()).toMatchObject({
      products: { updated: 1 },
      variants: { updated: 1, unchanged: 2 },
      stockChanged: 1,
    });
    expect(await events('product_updated')).toEqual([
      expect.objectContaining({
        changes: ['price', 'compareAtPrice', 'variants'],
        variantIds: [product.variants[2]?.id],
      }),
    ]);
    const repriced = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(repriced.price.amount).toBe(3900);
    expect(repriced.variants.find((v) => v.sku === `SS-${slug}-BM`)?.available).toBe(7);
  });

  it('neutralises formulas on export and gives the same text back on import', async () => {
    const slug = `formula-${unique()}`;
    const name = '=HYPERLINK("http://evil.example","Click")';
    // As another tool would write it: the formula cells quoted against spreadsheets, or not.
    const text = stringify([
      [...catalogCsvColumns],
      [
        slug,
        `'${name}`,
        "+cmd|' /C calc'!A0",
        'unisex',
        'running-tops',
        'active',
        "'@Black",
        'M',
        `FX-${slug}`,
        '10.00',
        '',
        '1',
      ],
    ]);
    const imported = await importCsv(text, false);
    expect(imported.statusCode, imported.body).toBe(200);
    const product = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(product.name).toBe(name);
    expect(product.description).toBe("+cmd|' /C calc'!A0");
    expect(product.colors).toEqual(['@Black']);

    const exported = (await exportCsv()).body;
    const row = (parse(exported) as string[][]).find((cells) => cells[0] === slug);
    expect(row?.slice(1, 3)).toEqual([`'${name}`, "'+cmd|' /C calc'!A0"]);
    expect(row?.[6]).toBe("'@Black");
    const lines = exported.split('\r\n').filter((line) => line.startsWith(`${slug},`));
    const again = await importCsv([header, ...lines].join('\n'), true);
    expect(again.json()).toMatchObject({ products: { unchanged: 1 }, variants: { unchanged: 1 } });
  });

  it('refuses stock below what open orders hold', async () => {
    const variant = await kit.stockedVariant(5);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 3 }]);
    expect((await kit.placeOrder(cartId)).statusCode).toBe(201);
    const exported = (await exportCsv()).body;
    const line = exported.split('\r\n').find((l) => l.includes(`,${variant.sku},`)) as string;
    const lowered = line.replace(/,\d+$/, ',2');
    const response = await importCsv([header, lowered].join('\n'), false);
    expect(response.statusCode).toBe(422);
    expect((response.json() as InvalidImport).rows).toEqual([
      {
        line: 2,
        sku: variant.sku,
        errors: [
          {
            field: 'on_hand',
            message: '3 units are reserved by open orders; on hand cannot go below that',
          },
        ],
      },
    ]);
    expect(await kit.stockOf(variant.variantId)).toEqual({ onHand: 5, reserved: 3 });
  });

  it('answers 401 without a token and 403 to a customer', async () => {
    const customer = await kit.register();
    for (const [headers, status] of [
      [{}, 401],
      [customer.headers, 403],
    ] as const) {
      expect((await exportCsv(headers)).statusCode).toBe(status);
      expect((await importCsv(header, true, headers)).statusCode).toBe(status);
    }
  });
});
