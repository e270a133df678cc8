import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { OrderSummary } from '../../api/client';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { orderHistoryQuery } from './api';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function OrderRow({ order }: { order: OrderSummary }) {
  return (
    <li className="order-row" data-testid="order-row">
      <h3 className="order-row__number">
        <Link to={`/orders/${order.id}`}>Order {order.number}</Link>
      </h3>
      <dl className="order-row__facts">
        <div>
          <dt>Placed</dt>
          <dd>
            <time dateTime={order.createdAt}>{dateFormat.format(new Date(order.createdAt))}</time>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`status status--${order.status}`}>
              {orderStatusLabels[order.status]}
            </span>
          </dd>
        </div>
        <div>
          <dt>Items</dt>
          <dd>{order.itemCount}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{formatMoney(order.total)}</dd>
        </div>
      </dl>
    </li>
  );
}

export function OrderHistory() {
  useDocumentTitle('Your orders');
  const history = useInfiniteQuery(orderHistoryQuery);

  let body;
  if (history.isPending) {
    body = <Loading label="Loading your orders…" />;
  } else if (history.isError && !history.data) {
    body = (
      <ErrorNotice
        error={history.error}
        retry={() => void history.refetch()}
        title="We couldn’t load your orders."
      />
    );
  } else {
    const orders = history.data?.pages.flatMap((page) => page.items) ?? [];
    body =
      orders.length === 0 ? (
        <Empty title="No orders yet">
          <p>When you place an order, it will appear here.</p>
          <p>
            <Link className="button" to="/shop">
              Start shopping
            </Link>
          </p>
        </Empty>
      ) : (
        <>
          <ul className="order-list">
            {orders.map((order) => (
              <OrderRow key={order.id} order={order} />
            ))}
          </ul>
          {history.isFetchNextPageError && (
            <ErrorNotice error={history.error} title="We couldn’t load more orders." />
          )}
          <p className="visually-hidden" role="status">
            {`Showing ${orders.length} ${orders.length === 1 ? 'order' : 'orders'}.`}
          </p>
          {history.hasNextPage && (
            <div className="order-list__more">
              <button
                type="button"
                className="button button--secondary"
                disabled={history.isFetchingNextPage}
                aria-busy={history.isFetchingNextPage}
                onClick={() => void history.fetchNextPage()}
              >
                {history.isFetchingNextPage ? 'Loading more orders…' : 'Load more orders'}
              </button>
            </div>
          )}
        </>
      );
  }

  return (
    <section aria-labelledby="orders-heading">
      <h2 id="orders-heading">Orders</h2>
      {body}
    </section>
  );
}
