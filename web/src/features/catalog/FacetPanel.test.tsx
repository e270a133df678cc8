import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ProductList } from '../../api/client';
import { renderWithStore } from '../../test/render';
import { FacetPanel } from './FacetPanel';
import { filtersFrom, type Filters } from './filters';

const facets = {
  gender: [
    { value: 'women', count: 4 },
    { value: 'men', count: 3 },
  ],
  category: [],
  size: [
    { value: 'S', count: 2 },
    { value: 'M', count: 5 },
  ],
  color: [{ value: 'Black', count: 6 }],
} as unknown as ProductList['facets'];

function renderPanel(query: string) {
  const onChange = vi.fn<(next: Filters) => void>();
  const filters = filtersFrom(new URLSearchParams(query), undefined);
  const view = renderWithStore(
    <FacetPanel facets={facets} filters={filters} onChange={onChange} />,
  );
  return { ...view, onChange, filters };
}

describe('the listing filters panel', () => {
  it('adds and removes a size, keeping the other filters', async () => {
    const { user, onChange, filters } = renderPanel('size=S&color=Black&sort=newest');
    expect(
      screen.getByRole('button', { name: 'Size S, 2 products' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Size M, 5 products' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...filters, sizes: ['S', 'M'] });
    await user.click(screen.getByRole('button', { name: 'Size S, 2 products' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...filters, sizes: [] });
  });

  it('keeps a chosen size the listing no longer has, so it can be removed', () => {
    renderPanel('size=XXL');
    expect(screen.getByRole('button', { name: 'Size XXL, 0 products' })).toBeDefined();
  });

  it('picks one gender by its name, and unpicks it', async () => {
    const { user, onChange, filters } = renderPanel('gender=men');
    await user.click(screen.getByRole('checkbox', { name: 'Women (4)' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...filters, gender: 'women' });
    await user.click(screen.getByRole('checkbox', { name: 'Men (3)' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...filters, gender: undefined });
  });

  it('applies a price range in cents and refuses one upside down', async () => {
    const { user, onChange, filters } = renderPanel('');
    await user.type(screen.getByLabelText('Min $'), '50');
    await user.type(screen.getByLabelText('Max $'), '20');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'The lowest price must not be above the highest.',
    );
    expect(onChange).not.toHaveBeenCalled();
    await user.clear(screen.getByLabelText('Max $'));
    await user.type(screen.getByLabelText('Max $'), '99.99');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...filters, minPrice: 5000, maxPrice: 9999 });
  });
});
