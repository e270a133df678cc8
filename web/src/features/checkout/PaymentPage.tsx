import { lazy, Suspense, useEffect } from 'react';
import { Link, Navigate, useLocation, useParams } from 'react-router';
import { ErrorNotice, isNotFound, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { paymentPageUrl } from '../orders/orderAccess';
import { OrderNotFound } from '../orders/OrderPage';
import { useOrder } from '../orders/api';
import { useCheckoutConfig } from './api';
import { ExpiredOrder } from './ExpiredOrder';
import { SummaryLines, Totals } from './Totals';

// Stripe's libraries and Stripe.js are in this chunk, loaded only on this step and only for Stripe.
const StripePayment = lazy(() => import('./stripe/StripePayment'));

/** Said by the step that sent the shopper here (the bag's wallet). */
interface ArrivalState {
  notice?: string;
  failure?: string;
}

/** The local gateway has a card page of its own: a shopper who lands here is passed on to it. */
function ToGateway({ clientSecret }: { clientSecret: string }) {
  useEffect(() => window.location.replace(paymentPageUrl(clientSecret)), [clientSecret]);
  return <Loading label="Opening the card page…" />;
}

/** The card step of an order awaiting payment: `/orders/:id/pay`. */
export function PaymentPage() {
  const { id = '' } = useParams();
  const { order } = useOrder(id, false);
  const config = useCheckoutConfig();
  const arrival = (useLocation().state ?? {}) as ArrivalState;
  useDocumentTitle('Payment');
  if (order.isPending || config.isPending) return <Loading label="Loading your order…" />;
  if (order.isError)
    return isNotFound(order.error) ? (
      <OrderNotFound />
    ) : (
      <ErrorNotice error={order.error} retry={() => order.refetch()} />
    );
  if (config.isError) return <ErrorNotice error={config.error} retry={() => config.refetch()} />;
  const o = order.data;
  if (o.status !== 'pending_payment' && o.status !== 'cancelled')
    return <Navigate to={`/orders/${o.id}/confirmation`} replace />;
  const clientSecret = o.payment.clientSecret;
  if (o.status === 'pending_payment' && clientSecret && o.payment.provider !== 'stripe')
    return <ToGateway clientSecret={clientSecret} />;

  return (
    <section className="page checkout payment">
      <h1>Payment</h1>
      <p className="muted">
        Order <strong>{o.number}</strong> · {formatMoney(o.total)}
      </p>
      <div className="checkout__layout">
        <div>
          {o.status === 'cancelled' ? (
            <ExpiredOrder order={o} />
          ) : !clientSecret ? (
            <ErrorNotice
              error={new Error('The payment service did not answer.')}
              title="Payment is not ready yet."
              retry={() => order.refetch()}
            />
          ) : (
            <>
              {arrival.notice && (
                <p className="notice" role="status">
                  {arrival.notice}
                </p>
              )}
              <Suspense fallback={<Loading label="Loading the payment form…" />}>
                <StripePayment
                  config={config.data}
                  order={o}
                  clientSecret={clientSecret}
                  failure={arrival.failure ?? o.payment.failure?.message ?? null}
                  onStale={() => void order.refetch()}
                />
              </Suspense>
            </>
          )}
          <p>
            <Link to={`/orders/${o.id}`}>See the order</Link>
          </p>
        </div>
        <aside className="checkout__summary" aria-label="Order summary">
          <h2>Your order</h2>
          <SummaryLines items={o.items} />
          <Totals totals={o} />
        </aside>
      </div>
    </section>
  );
}
