import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, call, type Order } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { ErrorNotice, isNotFound, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Totals } from '../checkout/Totals';
import { orderToken, paymentPageUrl } from './orderAccess';

function useOrder(id: string, poll: boolean) {
  const [params] = useSearchParams();
  const token = orderToken(id, params.get('token'));
  const order = useQuery({
    queryKey: ['order', id, token],
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/orders/{id}', {
          params: { path: { id }, query: token ? { token } : {} },
          signal,
        }),
      ),
    // After the payment page the webhook may still be on its way: look again until it lands.
    refetchInterval: (query) =>
      poll && query.state.data?.status === 'pending_payment' ? 1000 : false,
  });
  return { order, token };
}

function OrderNotFound() {
  const { user } = useSession();
  return (
    <section className="page">
      <h1>Order not found</h1>
      <p>
        Open the order from the link in your confirmation email
        {user ? (
          ', or from your account.'
        ) : (
          <>
            , or <Link to="/sign-in">sign in</Link> to see your orders.
          </>
        )}
      </p>
    </section>
  );
}

function OrderDetails({ order, token }: { order: Order; token: string | undefined }) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/orders/{id}/cancel', {
          params: { path: { id: order.id }, query: token ? { token } : {} },
        }),
      ),
    onSuccess: (updated) => queryClient.setQueryData(['order', order.id, token], updated),
  });
  const address = order.shippingAddress;
  return (
    <>
      <p className="order__status">
        Status: <strong data-testid="order-status">{orderStatusLabels[order.status]}</strong>
      </p>
      {order.status === 'pending_payment' && order.payment.clientSecret && (
        <div className="notice">
          {order.payment.failure && (
            <p role="alert" className="field-error">
              Your last payment did not go through: {order.payment.failure.message}
            </p>
          )}
          <p>
            <a className="button" href={paymentPageUrl(order.payment.clientSecret)}>
              Pay {formatMoney(order.total)}
            </a>
          </p>
        </div>
      )}
      {order.fulfilment && (
        <p>
          Shipped with {order.fulfilment.carrier}, tracking number{' '}
          <strong>{order.fulfilment.trackingNumber}</strong>
        </p>
      )}
      <div className="order__layout">
        <section aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <ul className="summary-lines">
            {order.items.map((item) => (
              <li key={item.id}>
                <span>
                  <Link to={`/products/${item.productSlug}`}>{item.name}</Link> · {item.color} ·{' '}
                  {item.size} × {item.quantity}
                </span>
                <span>{formatMoney(item.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <Totals totals={order} />
        </section>
        <section aria-labelledby="delivery-heading">
          <h2 id="delivery-heading">Delivery</h2>
          <address>
            {address.firstName} {address.lastName}
            <br />
            {address.line1}
            {address.line2 ? <>, {address.line2}</> : null}
            <br />
            {address.postalCode} {address.city}
            {address.region ? `, ${address.region}` : ''}, {address.country}
          </address>
          <p>{order.shippingMethod.name}</p>
          {order.payment.paymentMethod && <p>Paid with {order.payment.paymentMethod}</p>}
          <p className="muted">Confirmation sent to {order.email}</p>
        </section>
      </div>
      {(order.status === 'pending_payment' || order.status === 'paid') && (
        <div className="order__cancel">
          {cancel.isError && <ErrorNotice error={cancel.error} title="Not cancelled." />}
          <button
            type="button"
            className="button button--secondary"
            disabled={cancel.isPending}
            onClick={() => {
              if (
                window.confirm(
                  `Cancel order ${order.number}?${order.status === 'paid' ? ' You will be refunded in full.' : ''}`,
                )
              )
                cancel.mutate();
            }}
          >
            Cancel order
          </button>
        </div>
      )}
    </>
  );
}

export function OrderPage() {
  const { id = '' } = useParams();
  const { order, token } = useOrder(id, false);
  useDocumentTitle(order.data ? `Order ${order.data.number}` : 'Order');
  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.isError)
    return isNotFound(order.error) ? (
      <OrderNotFound />
    ) : (
      <ErrorNotice error={order.error} retry={() => order.refetch()} />
    );
  return (
    <section className="page order">
      <h1>Order {order.data.number}</h1>
      <p className="muted">Placed {new Date(order.data.createdAt).toLocaleDateString()}</p>
      <OrderDetails order={order.data} token={token} />
    </section>
  );
}

/** Where the payment page returns the shopper: thanks, and the order as it stands. */
export function ConfirmationPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  // Back from a payment the gateway took: the paid status follows within seconds.
  const { order, token } = useOrder(id, params.get('payment') === 'succeeded');
  useDocumentTitle('Thank you');
  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.isError)
    return isNotFound(order.error) ? (
      <OrderNotFound />
    ) : (
      <ErrorNotice error={order.error} retry={() => order.refetch()} />
    );
  const o = order.data;
  return (
    <section className="page order confirmation">
      <h1>
        {o.status === 'pending_payment' ? 'Confirming your payment…' : 'Thank you for your order'}
      </h1>
      <p>
        Order number <strong data-testid="order-number">{o.number}</strong>
      </p>
      {o.status === 'pending_payment' && (
        <p role="status" className="muted">
          This takes a few seconds. You can keep this page open.
        </p>
      )}
      <OrderDetails order={o} token={token} />
      <p>
        <Link to="/shop">Continue shopping</Link>
      </p>
    </section>
  );
}
