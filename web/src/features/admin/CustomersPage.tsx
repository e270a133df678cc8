import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminQueries } from './api';
import { ListBody, LoadMore, useCursorList, useUrlFilters, when } from './ui';

export default function CustomersPage() {
  useDocumentTitle('Customers · Admin');
  const [filters, setFilters] = useUrlFilters(['q'] as const);
  const [text, setText] = useState(filters.q);
  const customers = useCursorList(adminQueries.customers(filters.q));
  const items = customers.items;
  function search(event: FormEvent) {
    event.preventDefault();
    setFilters({ q: text.trim() });
  }
  return (
    <>
      <h1>Customers</h1>
      <form className="filters" role="search" aria-label="Find customers" onSubmit={search}>
        <label>
          Name or email
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="button button--small">
          Search
        </button>
      </form>
      <ListBody list={customers} what="customers">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/admin/customers/${c.id}`}>
                    {c.firstName} {c.lastName}
                  </Link>
                </td>
                <td>{c.email}</td>
                <td>{c.role}</td>
                <td>{when(c.createdAt)}</td>
                <td>{c.deactivatedAt ? 'Deactivated' : 'Active'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={customers} label="Load more customers" />
    </>
  );
}
