import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useFlatCategories } from './categories';
import { choicesOf, oneOf } from '../../lib/choices';
import { adminQueries, type ProductFilters } from './api';
import { ChoiceFilter, ListBody, LoadMore, useCursorList, useUrlFilters } from './ui';

const stockStates: Record<NonNullable<ProductFilters['stock']>, string> = {
  in_stock: 'In stock',
  low: 'Low',
  out: 'Sold out',
};
const statuses: Record<NonNullable<ProductFilters['status']>, string> = {
  active: 'Active',
  archived: 'Archived',
};

export default function ProductsPage() {
  useDocumentTitle('Products · Admin');
  const [filters, setFilters] = useUrlFilters(['q', 'status', 'category', 'stock'] as const);
  const [text, setText] = useState(filters.q);
  const categories = useFlatCategories();
  const query = {
    ...(filters.q ? { q: filters.q } : {}),
    status: oneOf(statuses, filters.status),
    ...(filters.category ? { category: filters.category } : {}),
    stock: oneOf(stockStates, filters.stock),
  };
  const products = useCursorList(adminQueries.products(query));
  function search(event: FormEvent) {
    event.preventDefault();
    setFilters({ q: text.trim() });
  }
  return (
    <>
      <h1>
        Products{' '}
        <Link className="button button--small" to="/admin/products/new">
          New product
        </Link>
        <Link className="button button--secondary button--small" to="/admin/products/file">
          Import or export CSV
        </Link>
      </h1>
      <form className="filters" role="search" aria-label="Find products" onSubmit={search}>
        <label>
          Name, slug or SKU
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="button button--small">
          Search
        </button>
        <ChoiceFilter
          label="Status"
          value={filters.status}
          choices={choicesOf(statuses)}
          onChange={(status) => setFilters({ status })}
        />
        <ChoiceFilter
          label="Category"
          value={filters.category}
          choices={(categories.data ?? []).map((c) => [c.slug, c.path] as const)}
          onChange={(category) => setFilters({ category })}
        />
        <ChoiceFilter
          label="Stock"
          value={filters.stock}
          choices={choicesOf(stockStates)}
          onChange={(stock) => setFilters({ stock })}
        />
      </form>
      <ListBody list={products} what="products">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Status</th>
              <th scope="col">Category</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Variants
              </th>
              <th scope="col" className="num">
                Available
              </th>
              <th scope="col">Stock</th>
            </tr>
          </thead>
          <tbody>
            {products.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                </td>
                <td>{statuses[p.status]}</td>
                <td>{p.category.name}</td>
                <td className="num">{formatMoney(p.price)}</td>
                <td className="num">{p.variantCount}</td>
                <td className="num">{p.unitsAvailable}</td>
                <td>{stockStates[p.stock]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={products} label="Load more products" />
    </>
  );
}
