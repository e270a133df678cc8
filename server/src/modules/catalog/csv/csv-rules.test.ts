import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../platform/db/index.js';
import { describeEachBackend, bareApp } from '../../../../test/harness.js';
import { catalogCsvColumns } from './csv-format.js';
import { catalogCsvRoutes } from './csv-routes.js';
import { createCatalogCsvService } from './csv-service.js';
import { csvCatalogKit, header, type InvalidImport } from './csv-test-kit.js';
import type { Product } from '../schemas.js';

/**
 * The catalog CSV holds the JSON API's rules: what one stores the other takes back, and what one
 * refuses the other refuses (field rules, a product's limits, variants that orders hold); and it
 * reads UTF-8 only.
 */
describeEachBackend('catalog CSV and the API’s rules (%s)', (backend) => {
  const kit = csvCatalogKit(backend);
  const { unique, exportCsv, importCsv } = kit;

  /** The export's rows of one product (by slug), as cells, and a file of them again. */
  const exportedRows = async (slug: string) =>
    (parse((await exportCsv()).body) as string[][]).filter((cells) => cells[0] === slug);
  const column = (name: (typeof catalogCsvColumns)[number]) => catalogCsvColumns.indexOf(name);
  const fileOf = (rows: string[][]) => stringify([[...catalogCsvColumns], ...rows]);

  it('refuses a new size or colour for a variant that orders hold, as the API does', async () => {
    const variant = await kit.stockedVariant(5);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 1 }]);
    expect((await kit.placeOrder(cartId)).statusCode).toBe(201);
    const [slug] = (parse((await exportCsv()).body) as string[][]).find(
      (cells) => cells[column('sku')] === variant.sku,
    ) as string[];
    const rows = await exportedRows(slug as string);
    const held = rows.findIndex((cells) => cells[column('sku')] === variant.sku);
    const changed = (field: 'size' | 'color', value: string) =>
      rows.map((cells, i) => (i === held ? cells.with(column(field), value) : cells));

    for (const [field, value] of [
      ['size', 'XXXL'],
      ['color', `Held ${unique()}`],
    ] as const) {
      const response = await importCsv(fileOf(changed(field, value)), true);
      expect(response.statusCode, response.body).toBe(422);
      expect((response.json() as InvalidImport).rows).toEqual([
        {
          line: held + 2,
          sku: variant.sku,
          errors: [{ field, message: expect.stringContaining('orders hold this variant') }],
        },
      ]);
    }
    // Its price is not frozen: only what was sold (the size and colour) is.
    const repriced = rows.map((cells, i) =>
      i === held ? cells.with(column('price'), '1.00').with(column('compare_at_price'), '') : cells,
    );
    expect((await importCsv(fileOf(repriced), true)).statusCode).toBe(200);
  });

  it('takes back what the API made: a long description round-trips unchanged', async () => {
    const paragraph = 'Seam-sealed, packable, and light.\nWorn in rain and wind alike. ';
    const description = paragraph.repeat(Math.ceil(9_000 / paragraph.length)).trim();
    const created = await kit.post(
      '/admin/products',
      {
        name: `Long Story Shell ${unique()}`,
        description,
        gender: 'women',
        category: 'running-tops',
        price: 12_900,
        colors: ['Black'],
        sizes: ['S', 'M'],
        onHand: 2,
      },
      kit.admin(),
    );
    expect(created.statusCode, created.body).toBe(201);
    const { slug } = created.json() as { slug: string };
    const rows = await exportedRows(slug);
    expect(rows[0]?.[column('description')]).toBe(description);
    const again = await importCsv(fileOf(rows), false);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({
      products: { created: 0, updated: 0, unchanged: 1 },
      variants: { created: 0, updated: 0, unchanged: 2 },
    });
  });

  it('refuses what the API refuses: commas in a colour, long values, too many colours', async () => {
    const slug = `many-colours-${unique()}`;
    const row = (color: string, size = 'M', overrides: Record<string, string> = {}) =>
      catalogCsvColumns.map(
        (name) =>
          ({
            product_slug: slug,
            product_name: 'Many Colours Tee',
            description: 'x',
            gender: 'men',
            category_slug: 'running-tops',
            status: 'active',
            color,
            size,
            sku: `MC-${slug}-${color.replace(/[^A-Za-z0-9]+/g, '')}-${size}`,
            price: '12.00',
            compare_at_price: '',
            on_hand: '1',
            ...overrides,
          })[name],
      );
    const comma = await importCsv(fileOf([row('Red'), row('Red, White')]), true);
    expect(comma.statusCode, comma.body).toBe(422);
    expect((comma.json() as InvalidImport).rows).toEqual([
      expect.objectContaining({
        line: 3,
        errors: [{ field: 'color', message: expect.stringContaining('comma') }],
      }),
    ]);
    const long = await importCsv(fileOf([row('Red', 'S'.repeat(41))]), true);
    expect((long.json() as InvalidImport).rows[0]?.errors.map((e) => e.field)).toEqual(['size']);

    // 31 colours: the API allows a product 30; the row that brings the 31st is refused.
    const colours = Array.from({ length: 31 }, (_, i) => `Shade ${i + 1}`);
    const many = await importCsv(fileOf(colours.map((color) => row(color))), true);
    expect(many.statusCode, many.body).toBe(422);
    expect((many.json() as InvalidImport).rows).toEqual([
      expect.objectContaining({ line: 32, errors: [expect.objectContaining({ field: 'color' })] }),
    ]);
    expect(
      (await importCsv(fileOf(colours.slice(0, 30).map((c) => row(c))), true)).statusCode,
    ).toBe(200);
  });

  it('refuses a file that is not UTF-8, naming the file, and another declared charset', async () => {
    const valid = `${header}\nlatin-tee,Latin Tee,x,men,running-tops,active,Black,M,LT-${unique()},10.00,,1\n`;
    const latin1 = Buffer.from(valid.replace('Latin Tee', 'Caf\u00e9 Tee'), 'latin1');
    const send = (payload: Buffer, contentType: string) =>
      kit.ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/admin/products/import?dryRun=true',
        payload,
        headers: { ...kit.admin(), 'content-type': contentType },
      });
    const undecodable = await send(latin1, 'text/csv');
    expect(undecodable.statusCode, undecodable.body).toBe(422);
    expect(undecodable.json()).toMatchObject({
      code: 'import_invalid',
      rows: [{ line: 1, errors: [{ field: 'file', message: expect.stringContaining('UTF-8') }] }],
    });
    const declared = await send(latin1, 'text/csv; charset=windows-1252');
    expect(declared.statusCode, declared.body).toBe(415);
    expect(declared.json()).toMatchObject({ code: 'unsupported_charset' });
    // UTF-8 with a byte-order mark, as spreadsheets save it, is read.
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]);
    const read = await send(bom, 'text/csv; charset=UTF-8');
    expect(read.statusCode, read.body).toBe(200);
  });

  it('draws the image of a colour with an apostrophe that it imported', async () => {
    const slug = `apostrophe-${unique()}`;
    const text = `${header}\n${slug},Baker Tee,x,men,running-tops,active,Baker's Red,M,AP-${slug},10.00,,1\n`;
    expect((await importCsv(text, false)).statusCode).toBe(200);
    const product = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(product.images).toHaveLength(1);
    expect((await kit.ctx.store.app.inject(product.images[0]!.url)).statusCode).toBe(200);
  });
});

describe('the catalog CSV’s row limit', () => {
  it('answers 413 import_too_many_rows past CATALOG_IMPORT_MAX_ROWS, before reading the database', async () => {
    const app = await bareApp();
    await app.register(catalogCsvRoutes, {
      config: { CATALOG_IMPORT_MAX_BYTES: 1024 * 1024 },
      catalogCsv: createCatalogCsvService({
        // Never reached: the file is refused before any query.
        db: {} as Db,
        maxRows: 2,
        onProductsChanged: () => Promise.reject(new Error('nothing is stored')),
      }),
    });
    const admin = {
      authorization: `Bearer ${app.jwt.sign({ sub: 'u', role: 'admin', sid: 's' })}`,
    };
    const row = (n: number) =>
      `cap-tee,Cap Tee,x,men,running-tops,active,Black,S${n},CAP-${n},10.00,,1`;
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/products/import?dryRun=true',
      payload: [header, row(1), '', row(2), row(3)].join('\n'),
      headers: { ...admin, 'content-type': 'text/csv' },
    });
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json()).toMatchObject({ code: 'import_too_many_rows', maxRows: 2 });
    await app.close();
  });
});
