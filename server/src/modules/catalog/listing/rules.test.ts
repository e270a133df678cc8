import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../platform/errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { listingKey } from './service.js';
import { listProductsQuery } from '../schemas.js';
import { createSpeller, editDistance } from './spelling.js';

const parse = (query: Record<string, string | string[]>) => listProductsQuery.parse(query);

describe('cursors', () => {
  const id = '01a2191b-a431-76e4-a595-ab2fd958ea62';
  it('round-trips keyset and offset positions', () => {
    const keyset = encodeCursor('price_asc', { kind: 'after', value: 4500, id });
    expect(decodeCursor(keyset, 'price_asc', false)).toEqual({ kind: 'after', value: 4500, id });
    const offset = encodeCursor('relevance', { kind: 'offset', offset: 48 });
    expect(decodeCursor(offset, 'relevance', true)).toEqual({ kind: 'offset', offset: 48 });
  });

  it.each([
    ['garbage', 'newest', false],
    [encodeCursor('price_asc', { kind: 'after', value: 4500, id }), 'newest', false],
    [
      Buffer.from(JSON.stringify({ s: 'newest', v: 'not a time', id })).toString('base64url'),
      'newest',
      false,
    ],
    [
      Buffer.from(JSON.stringify({ s: 'newest', v: -1, id })).toString('base64url'),
      'newest',
      false,
    ],
    [encodeCursor('relevance', { kind: 'offset', offset: 24 }), 'relevance', false],
    [
      Buffer.from('{"s":"newest","v":"2026-01-01","id":"1; DROP"}').toString('base64url'),
      'newest',
      false,
    ],
  ] as const)('rejects %s for sort %s', (cursor, sort, ranked) => {
    let problem: unknown;
    try {
      decodeCursor(cursor, sort, ranked);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(ValidationFailed);
    expect(problem).toMatchObject({
      kind: 'invalid',
      code: 'validation_failed',
      errors: [{ path: 'query.cursor' }],
    });
  });
});

describe('listing cache keys', () => {
  it('maps equivalent queries to one key', () => {
    const a = listingKey(parse({ size: 'L,M', color: ['Black'], q: '  Running   Tee ' }));
    const b = listingKey(
      parse({ size: ['M', 'L'], color: 'Black', q: 'running tee', sort: 'relevance' }),
    );
    expect(a).toBe(b);
  });

  it('keeps different listings apart', () => {
    expect(listingKey(parse({ size: 'M' }))).not.toBe(listingKey(parse({ size: 'L' })));
    expect(listingKey(parse({ limit: '10' }))).not.toBe(listingKey(parse({ limit: '11' })));
    expect(listingKey(parse({ inStock: 'true' }))).not.toBe(listingKey(parse({})));
  });
});

describe('spelling correction', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('hoodie', 'hoodei', 2)).toBe(1);
    expect(editDistance('alpine', 'alpnie', 2)).toBe(1);
    expect(editDistance('jacket', 'jacket', 2)).toBe(0);
    expect(editDistance('short', 'shirts', 1)).toBe(2);
  });

  it('corrects unknown words to the nearest catalog word and leaves known and short words alone', async () => {
    const speller = createSpeller(async () => [
      'fleece',
      'hoodie',
      'running',
      'jacket',
      'tee',
      'tees',
    ]);
    expect(await speller.correct('Fleece Hoodei')).toBe('fleece hoodie');
    expect(await speller.correct('runnign jacket')).toBe('running jacket');
    expect(await speller.correct('fleece hoodie')).toBeNull();
    expect(await speller.correct('tea')).toBeNull();
    expect(await speller.correct('xylophone')).toBeNull();
  });
});
