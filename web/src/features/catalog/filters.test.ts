import { describe, expect, it } from 'vitest';
import { apiQuery, filtersFrom, searchFrom, toggle } from './filters';

const params = (query: string) => new URLSearchParams(query);

describe('the listing filters', () => {
  it('reads every filter a listing URL can hold', () => {
    const filters = filtersFrom(
      params(
        'q=+trail+shoe+&gender=women&size=M&size=L&color=Black&minPrice=2000&maxPrice=9000&inStock=1&onSale=1&sort=price_asc',
      ),
      'running',
    );
    expect(filters).toEqual({
      category: 'running',
      q: 'trail shoe',
      gender: 'women',
      sizes: ['M', 'L'],
      colors: ['Black'],
      minPrice: 2000,
      maxPrice: 9000,
      inStock: true,
      onSale: true,
      sort: 'price_asc',
    });
  });

  it('ignores values the API would refuse instead of sending them', () => {
    const filters = filtersFrom(
      params('gender=aliens&sort=cheapest&minPrice=-5&maxPrice=12.5&size=&inStock=yes&q=%20'),
      undefined,
    );
    expect(filters).toEqual({
      category: undefined,
      q: undefined,
      gender: undefined,
      sizes: [],
      colors: [],
      minPrice: undefined,
      maxPrice: undefined,
      inStock: false,
      onSale: false,
      sort: undefined,
    });
  });

  it('writes the same URL back, leaving the category to the path', () => {
    const query = 'q=tee&gender=men&size=S&size=M&color=Volt&minPrice=0&inStock=1&sort=newest';
    const filters = filtersFrom(params(query), 'tops');
    expect(searchFrom(filters).toString()).toBe(query);
    expect(searchFrom(filtersFrom(params(''), 'tops')).toString()).toBe('');
  });

  it('asks the API for the filters set and nothing else', () => {
    expect(apiQuery(filtersFrom(params(''), undefined), 24)).toEqual({ limit: 24 });
    expect(apiQuery(filtersFrom(params('size=M&onSale=1&maxPrice=5000'), 'shoes'), 12)).toEqual({
      limit: 12,
      category: 'shoes',
      size: ['M'],
      maxPrice: 5000,
      onSale: '1',
    });
  });

  it('toggles one value of a multi-valued filter', () => {
    expect(toggle(['S', 'M'], 'M')).toEqual(['S']);
    expect(toggle(['S'], 'L')).toEqual(['S', 'L']);
  });
});
