import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, call, type Order } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { ErrorNotice, isNotFound, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ExpiredOrder } from '../checkout/ExpiredOrder';
import { Totals } from '../checkout/Totals';
import { paymentPageUrl } from './orderAccess';
import { orderKeys, useOrder } from './api';

/** Where an unpaid order is paid: the store's own card step with Stripe, the gateway's page otherwise. */
function PayLink({ order, clientSecret }: { order: Order; clientSecret: string }) {
  const label = `Pay ${formatMoney(order.total)}`;
  return order.payment.provider === 'stripe' ? (
    <Link className="button" to={`/orders/${order.id}/pay`}>
      {label}
    </Link>
  ) : (
    <a className="button" href={paymentPageUrl(clientSecret)}>
      {label}
    </a>
  );
}

export function OrderNotFound() {
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

function OrderDetails({
  order,
  token,
  payable = true,
}: {
  order: Order;
  token: string | undefined;
  /** False while a payment is on its way (processing): paying again would pay twice. */
  payable?: boolean;
}) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/orders/{id}/cancel', {
          params: { path: { id: order.id }, query: token ? { token } : {} },
        }),
      ),
    onSuccess: (updated) => queryClient.setQueryData(orderKeys.one(order.id, token), updated),
  });
  const address = order.shippingAddress;
  return (
    <>
      <p className="order__status">
        Status: <strong data-testid="order-status">{orderStatusLabels[order.status]}</strong>
      </p>
      {order.status === 'pending_payment' && order.payment.status === 'processing' && (
        <p role="status" className="notice">
          Your payment is being processed. We will email you as soon as it is confirmed.
        </p>
      )}
      {payable &&
        order.status === 'pending_payment' &&
        order.payment.status !== 'processing' &&
        order.payment.clientSecret && (
          <div className="notice">
            {order.payment.failure && (
              <p role="alert" className="field-error">
                Your last payment did not go through: {order.payment.failure.message}
              </p>
            )}
            <p>
              <PayLink order={order} clientSecret={order.payment.clientSecret} />
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
      {order.data.status === 'cancelled' && !order.data.payment.paymentMethod && (
        <ExpiredOrder order={order.data} />
      )}
      <OrderDetails order={order.data} token={token} />
    </section>
  );
}

/** The headline and the word under it, for where the payment stands. */
function paymentWords(order: Order, returned: string | null) {
  if (order.status === 'cancelled' && !order.payment.paymentMethod)
    return { title: 'This order was not paid', note: null };
  if (order.status !== 'pending_payment') return { title: 'Thank you for your order', note: null };
  if (returned === 'processing')
    return {
      title: 'Your payment is processing',
      note: 'Your bank is still confirming it. We will email you as soon as it has; you can keep this page open.',
    };
  if (returned === 'failed')
    return {
      title: 'Your payment did not go through',
      note: 'Your bank did not confirm the payment. Try again, or pay with another card.',
    };
  return {
    title: 'Confirming your payment…',
    note: 'This takes a few seconds. You can keep this page open.',
  };
}

/**
 * Where a payment returns the shopper: thanks, and the order as it stands. The local gateway adds
 * `payment=succeeded`; Stripe adds `payment_intent` and `redirect_status` (after a bank's page, or
 * from the card step itself), which say whether to wait for the paid status or to offer to pay again.
 */
export function ConfirmationPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const returned =
    params.get('payment') === 'succeeded' ? 'succeeded' : params.get('redirect_status');
  // A paid intent's webhook lands within seconds; a processing one may take much longer.
  const { order, token } = useOrder(
    id,
    returned === 'succeeded' ? 1000 : returned === 'processing' ? 3000 : false,
  );
  useDocumentTitle('Thank you');
  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.isError)
    return isNotFound(order.error) ? (
      <OrderNotFound />
    ) : (
      <ErrorNotice error={order.error} retry={() => order.refetch()} />
    );
  const o = order.data;
  const words = paymentWords(o, returned);
  return (
    <section className="page order confirmation">
      <h1>{words.title}</h1>
      <p>
        Order number <strong data-testid="order-number">{o.number}</strong>
      </p>
      {words.note && (
        <p role={returned === 'failed' ? 'alert' : 'status'} className="muted">
          {words.note}
        </p>
      )}
      {o.status === 'cancelled' && !o.payment.paymentMethod && <ExpiredOrder order={o} />}
      <OrderDetails order={o} token={token} payable={returned !== 'processing'} />
      <p>
        <Link to="/shop">Continue shopping</Link>
      </p>
    </section>
  );
}
