import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { choicesOf, oneOf } from '../../lib/choices';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminQueries } from './api';
import { ChoiceFilter, ListBody, LoadMore, useCursorList, useUrlFilters, when } from './ui';

const keys = ['status', 'email', 'number'] as const;

export default function OrdersPage() {
  useDocumentTitle('Orders · Admin');
  const [filters, setFilters] = useUrlFilters(keys);
  const [email, setEmail] = useState(filters.email);
  const [number, setNumber] = useState(filters.number);
  const query = {
    status: oneOf(orderStatusLabels, filters.status),
    ...(filters.email ? { email: filters.email } : {}),
    ...(filters.number ? { number: filters.number } : {}),
  };
  const orders = useCursorList(adminQueries.orders(query));
  const items = orders.items;

  function search(event: FormEvent) {
    event.preventDefault();
    setFilters({ email: email.trim(), number: number.trim() });
  }

  return (
    <>
      <h1>Orders</h1>
      <form className="filters" onSubmit={search} role="search" aria-label="Find orders">
        <ChoiceFilter
          label="Status"
          value={filters.status}
          choices={choicesOf(orderStatusLabels)}
          onChange={(status) => setFilters({ status })}
        />
        <label>
          Email
          <input type="search" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Order number
          <input type="search" value={number} onChange={(e) => setNumber(e.target.value)} />
        </label>
        <button type="submit" className="button button--small">
          Search
        </button>
      </form>

      <ListBody list={orders} what="orders">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Customer</th>
              <th scope="col">Status</th>
              <th scope="col">Items</th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((order) => (
              <tr key={order.id}>
                <td>
                  <Link to={`/admin/orders/${order.id}`}>{order.number}</Link>
                </td>
                <td>{when(order.createdAt)}</td>
                <td>{order.email}</td>
                <td>
                  <span className={`status status--${order.status}`}>
                    {orderStatusLabels[order.status]}
                  </span>
                </td>
                <td>{order.itemCount}</td>
                <td className="num">{formatMoney(order.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={orders} label="Load more orders" />
    </>
  );
}
