import { describe, expect, it } from 'vitest';
import { currencyDigits, decimalText } from '../../../platform/money.js';
import { neutraliseCell, parseCatalogCsv, parseMoney, restoreCell } from './csv-format.js';

const header =
  'product_slug,product_name,description,gender,category_slug,status,color,size,sku,price,compare_at_price,on_hand';

describe('money in the catalog CSV', () => {
  it('turns decimal major units into minor units exactly', () => {
    const cases: [string, number][] = [
      ['49.99', 4999],
      ['0.1', 10],
      ['0.29', 29],
      ['19', 1900],
      ['007.50', 750],
      ['1000000', 100_000_000],
      // 0.29 * 100 is 28.999999999999996 in binary floating point: no float is involved here.
      ['4.35', 435],
      ['1.15', 115],
    ];
    for (const [text, amount] of cases) expect(parseMoney(text, 2)).toEqual({ amount });
  });

  it('refuses more decimals than the currency has, and anything but a plain decimal', () => {
    for (const text of [
      '12.345',
      '1,299.00',
      '-1.00',
      '$5',
      '1e3',
      '.5',
      '5.',
      '',
      ' 1',
      '1000000.01',
      '99999999',
    ]) {
      expect(parseMoney(text, 2)).toHaveProperty('error');
    }
    expect(parseMoney('12.345', 2)).toEqual({ error: '"12.345" has 3 decimals; USD has 2' });
    expect(currencyDigits('JPY')).toBe(0);
    expect(parseMoney('100.5', 0, 'JPY')).toEqual({ error: '"100.5" has 1 decimals; JPY has 0' });
    expect(parseMoney('100', 0, 'JPY')).toEqual({ amount: 100 });
  });

  it('writes minor units back as the same decimals', () => {
    for (const amount of [0, 1, 9, 10, 99, 100, 4999, 99_999_999]) {
      const text = decimalText(amount, 2);
      expect(parseMoney(text, 2)).toEqual({ amount });
    }
    expect(decimalText(4999, 2)).toBe('49.99');
    expect(decimalText(5, 2)).toBe('0.05');
    expect(decimalText(1200, 0)).toBe('1200');
  });
});

describe('formula injection', () => {
  it('prefixes cells a spreadsheet would run, and takes the prefix off on import', () => {
    for (const text of [
      '=HYPERLINK("http://x")',
      '+1',
      '-2',
      '@SUM(A1)',
      '\tx',
      '\rx',
      "'=x",
      "''+x",
    ]) {
      expect(neutraliseCell(text)).toBe(`'${text}`);
      expect(restoreCell(neutraliseCell(text))).toBe(text);
    }
    for (const text of ["'90s Retro Tee", 'Plain', "It's", '']) {
      expect(neutraliseCell(text)).toBe(text);
      expect(restoreCell(text)).toBe(text);
    }
  });
});

describe('reading the catalog CSV', () => {
  it('reads rows with their line numbers, quoted commas, quotes and newlines, any line ending', () => {
    const text = [
      `\ufeff${header}`,
      'trail-tee,"Trail Tee, Lite","Soft.\nLight, ""fast"".",men,running-tops,active,Black,M,TT-BLK-M,49.99,59.99,4',
      '',
      'trail-tee,"Trail Tee, Lite","Soft.\nLight, ""fast"".",men,running-tops,active,\'=Navy,L,TT-NVY-L,49.99,,0',
    ].join('\r\n');
    const { rows, problems } = parseCatalogCsv(text);
    expect(problems).toEqual([]);
    expect(
      rows.map((r) => [r.line, r.productName, r.description, r.color, r.price, r.compareAtPrice]),
    ).toEqual([
      [2, 'Trail Tee, Lite', 'Soft.\nLight, "fast".', 'Black', 4999, 5999],
      [5, 'Trail Tee, Lite', 'Soft.\nLight, "fast".', '=Navy', 4999, null],
    ]);
  });

  it('reports every bad cell with its line, and rows that disagree with each other', () => {
    const text = [
      header,
      'a-tee,A Tee,,men,tops,active,Black,M,A-1,12.345,,1',
      'a-tee,,,unisexy,tops,,Black,L,A-2,10,9,-3',
      'a-tee,A Tee,,men,tops,active,Black,M,A-1,10,,1',
      'b-tee,B Tee,,women,tops,active,Red,S,B-1,10,,1,extra',
      'Bad Slug,B Tee,,women,tops,active,Red,S,B 2,10,,1.5',
      'a-tee,A Tee Two,,men,tops,active,Navy,M,A-1,10,,1',
      'a-tee,A Tee,,men,tops,active,black,m,A-3,10,,1',
    ].join('\n');
    const { rows, problems } = parseCatalogCsv(text);
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(problems.map((p) => [p.line, p.errors.map((e) => e.field)])).toEqual([
      [2, ['price']],
      [3, ['product_name', 'gender', 'compare_at_price', 'on_hand']],
      [5, ['row']],
      [6, ['product_slug', 'sku', 'on_hand']],
      [7, ['sku', 'product_name']],
      [8, ['size']],
    ]);
    expect(problems[1]?.errors.find((e) => e.field === 'on_hand')?.message).toContain('"-3"');
    expect(problems[4]?.errors[0]?.message).toBe('is also on line 4');
    expect(problems[5]?.errors[0]?.message).toBe('m in black is also on line 4');
  });

  it('refuses a file whose header is wrong, naming each column problem', () => {
    expect(parseCatalogCsv('').problems[0]?.errors[0]?.field).toBe('file');
    const { problems } = parseCatalogCsv('product_slug,name,sku,sku\nx,y,z,w');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(1);
    expect(problems[0]?.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['name', 'sku', 'product_name', 'price', 'on_hand']),
    );
    expect(parseCatalogCsv(`${header}\n"unclosed`).problems[0]?.errors[0]?.field).toBe('file');
  });
});

describe('a huge cell in the catalog CSV', () => {
  const huge = 'ab-'.repeat(3_000_000);

  it('is named in its problem cut short, in the header as in a row', () => {
    const header9 = parseCatalogCsv(`${header},${huge}\n`);
    expect(header9.problems).toEqual([
      { line: 1, errors: [{ field: `${huge.slice(0, 40)}…`, message: 'is not a known column' }] },
    ]);
    const row = `shell,Shell,x,men,running-tops,active,Black,M,${huge},${huge},,${huge}`;
    const { rows, problems } = parseCatalogCsv(`${header}\n${row}\n`);
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      {
        line: 2,
        errors: [
          { field: 'sku', message: 'must be at most 100 characters' },
          {
            field: 'price',
            message: `"${huge.slice(0, 40)}…" is not an amount such as 49.99 (digits and one dot, no currency sign or thousands separator)`,
          },
          {
            field: 'on_hand',
            message: `must be a whole number from 0 to 1000000, not "${huge.slice(0, 40)}…"`,
          },
        ],
      },
    ]);
  });
});
