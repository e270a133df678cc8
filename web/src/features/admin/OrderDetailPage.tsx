import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, call, type Schemas } from '../../api/client';
import { ErrorNotice, isNotFound, Loading, NotFoundPage } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Totals } from '../checkout/Totals';
import { ConfirmButton, Panel, when } from './ui';
import { adminKeys, adminQueries } from './api';

type AdminOrder = Schemas['AdminOrder'];

/** An action on the order; afterwards the order is read again, timeline and refunds included. */
function useOrderAction<T>(order: AdminOrder, run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.order(order.id) });
      void queryClient.invalidateQueries({ queryKey: adminKeys.orders });
    },
  });
}

function FulfilForm({ order }: { order: AdminOrder }) {
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [problem, setProblem] = useState('');
  const fulfil = useOrderAction(order, () =>
    call(
      api.POST('/api/v1/admin/orders/{id}/fulfil', {
        params: { path: { id: order.id } },
        body: { carrier: carrier.trim(), trackingNumber: tracking.trim() },
      }),
    ),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!carrier.trim() || !tracking.trim()) {
      setProblem('Enter the carrier and the tracking number.');
      return;
    }
    setProblem('');
    fulfil.mutate(undefined);
  }
  const apiProblem = fulfil.error instanceof ApiError ? fulfil.error : null;
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Fulfil the order">
      <div className="field">
        <label htmlFor="carrier">Carrier</label>
        <input
          id="carrier"
          value={carrier}
          onChange={(e) => setCarrier(e.target.value)}
          aria-describedby="fulfil-problem"
        />
        {apiProblem?.fieldMessage('carrier') && (
          <p className="field-error">{apiProblem.fieldMessage('carrier')}</p>
        )}
      </div>
      <div className="field">
        <label htmlFor="tracking">Tracking number</label>
        <input
          id="tracking"
          value={tracking}
          onChange={(e) => setTracking(e.target.value)}
          aria-describedby="fulfil-problem"
        />
        {apiProblem?.fieldMessage('trackingNumber') && (
          <p className="field-error">{apiProblem.fieldMessage('trackingNumber')}</p>
        )}
      </div>
      <button type="submit" className="button button--small" disabled={fulfil.isPending}>
        Mark as shipped
      </button>
      <p id="fulfil-problem" className="field-error" role={problem ? 'alert' : undefined}>
        {problem}
      </p>
      {fulfil.isError && !apiProblem?.fieldErrors.length && (
        <ErrorNotice error={fulfil.error} title="Not fulfilled." />
      )}
    </form>
  );
}

function RefundForm({ order }: { order: AdminOrder }) {
  const refunded = order.payment.amountRefunded?.amount ?? 0;
  // A refund still waiting for the provider holds its amount.
  const pending = order.refunds
    .filter((r) => r.status === 'pending')
    .reduce((sum, r) => sum + r.amount.amount, 0);
  const left = order.total.amount - refunded - pending;
  const [amount, setAmount] = useState('');
  const [problem, setProblem] = useState('');
  const refund = useOrderAction(order, (minor: number | undefined) =>
    call(
      api.POST('/api/v1/admin/orders/{id}/refund', {
        params: { path: { id: order.id } },
        body: minor === undefined ? {} : { amount: minor },
      }),
    ),
  );
  function partial(event: FormEvent) {
    event.preventDefault();
    // Dollars and cents as typed, to integer cents without floating point.
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
    const minor = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
    if (!Number.isInteger(minor) || minor <= 0 || minor > left) {
      setProblem(
        `Enter an amount from 0.01 to ${formatMoney({ amount: left, currency: order.currency })}.`,
      );
      return;
    }
    setProblem('');
    refund.mutate(minor, { onSuccess: () => setAmount('') });
  }
  return (
    <div className="refund">
      <p>
        Refunded so far: {formatMoney({ amount: refunded, currency: order.currency })} of{' '}
        {formatMoney(order.total)}
      </p>
      <form
        className="inline-form"
        onSubmit={partial}
        noValidate
        aria-label="Refund part of the order"
      >
        <div className="field">
          <label htmlFor="refund-amount">Amount to refund ($)</label>
          <input
            id="refund-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-describedby="refund-problem"
          />
        </div>
        <button type="submit" className="button button--small" disabled={refund.isPending}>
          Refund amount
        </button>
        <p id="refund-problem" className="field-error" role={problem ? 'alert' : undefined}>
          {problem}
        </p>
      </form>
      <ConfirmButton
        label="Refund in full"
        question={`Refund the remaining ${formatMoney({ amount: left, currency: order.currency })}?`}
        onConfirm={() => refund.mutate(undefined)}
        pending={refund.isPending}
      />
      {refund.isError && <ErrorNotice error={refund.error} title="Not refunded." />}
    </div>
  );
}

/**
 * A refund is still on its way: pending at the provider, or made but not yet shown by the order's
 * status (which moves to partly refunded or refunded right after; a cancelled order keeps its own).
 */
function refundSettling(order: AdminOrder): boolean {
  if (order.refunds.some((r) => r.status === 'pending')) return true;
  const refunded = order.payment.amountRefunded?.amount ?? 0;
  if (refunded === 0) return false;
  return (
    ['paid', 'fulfilled', 'delivered'].includes(order.status) ||
    (order.status === 'partially_refunded' && refunded >= order.total.amount)
  );
}

export default function OrderDetailPage() {
  const { id = '' } = useParams();
  const order = useQuery({
    ...adminQueries.order(id),
    // A refund waits for the provider's answer, and the order's status follows it a moment later:
    // read the order again until both are in.
    refetchInterval: (query) =>
      query.state.data && refundSettling(query.state.data) ? 1_000 : false,
  });
  const cancel = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/admin/orders/{id}/cancel', { params: { path: { id } } })),
    onSuccess: () => void order.refetch(),
  });
  useDocumentTitle(order.data ? `Order ${order.data.number} · Admin` : 'Order · Admin');
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError)
    return isNotFound(order.error) ? (
      <NotFoundPage />
    ) : (
      <ErrorNotice error={order.error} retry={() => order.refetch()} />
    );
  const o = order.data;
  const refundable = ['paid', 'fulfilled', 'delivered', 'partially_refunded'].includes(o.status);
  return (
    <>
      <p>
        <Link to="/admin/orders">← Orders</Link>
      </p>
      <h1>
        Order {o.number}{' '}
        <span className={`status status--${o.status}`} data-testid="admin-order-status">
          {orderStatusLabels[o.status]}
        </span>
      </h1>
      <p className="muted">
        Placed {when(o.createdAt)} by {o.email}
        {o.userId ? (
          <>
            {' '}
            (<Link to={`/admin/customers/${o.userId}`}>customer</Link>)
          </>
        ) : (
          ' (guest)'
        )}
      </p>

      <div className="admin-grid">
        <Panel title="Lines">
          <ul className="summary-lines">
            {o.items.map((item) => (
              <li key={item.id}>
                <span>
                  {item.name} · {item.color} · {item.size} · {item.sku} × {item.quantity}
                </span>
                <span>{formatMoney(item.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <Totals totals={o} />
        </Panel>

        <Panel title="Payment">
          <p>
            {o.payment.provider} · {o.payment.status}
            {o.payment.paymentMethod ? ` · ${o.payment.paymentMethod}` : ''}
          </p>
          {o.payment.failure && (
            <p className="field-error">Last attempt: {o.payment.failure.message}</p>
          )}
          {o.refunds.length > 0 && (
            <ul className="plain-list">
              {o.refunds.map((r) => (
                <li key={r.id}>
                  Refund {formatMoney(r.amount)} · {r.status} · {when(r.createdAt)}
                  {r.failureReason && (
                    <span className="field-error"> · refused: {r.failureReason}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {o.disputes.length > 0 && (
            <ul className="plain-list" aria-label="Disputes">
              {o.disputes.map((d) => (
                <li key={d.id} className={d.status === 'open' ? 'field-error' : undefined}>
                  Dispute {formatMoney(d.amount)} · {d.reason} · {d.status} · {when(d.openedAt)}
                </li>
              ))}
            </ul>
          )}
          {refundable && <RefundForm order={o} />}
        </Panel>

        <Panel title="Shipping">
          <address>
            {o.shippingAddress.firstName} {o.shippingAddress.lastName}
            <br />
            {o.shippingAddress.line1}
            <br />
            {o.shippingAddress.postalCode} {o.shippingAddress.city}, {o.shippingAddress.country}
          </address>
          <p>{o.shippingMethod.name}</p>
          {o.fulfilment ? (
            <p>
              Shipped with {o.fulfilment.carrier}, tracking{' '}
              <strong>{o.fulfilment.trackingNumber}</strong>
            </p>
          ) : o.status === 'paid' ? (
            <FulfilForm order={o} />
          ) : null}
        </Panel>

        <Panel title="Timeline">
          <ol className="timeline">
            {o.history.map((step, i) => (
              <li key={i}>
                <strong>{orderStatusLabels[step.to as AdminOrder['status']] ?? step.to}</strong>{' '}
                <span className="muted">
                  {when(step.at)} · {step.actor}
                  {step.reason ? ` · ${step.reason}` : ''}
                </span>
              </li>
            ))}
            {o.paymentEvents.map((event) => (
              <li key={event.id}>
                {event.type} <span className="muted">{when(event.receivedAt)}</span>
              </li>
            ))}
          </ol>
        </Panel>
      </div>

      {(o.status === 'pending_payment' || o.status === 'paid') && (
        <div className="danger-zone">
          <ConfirmButton
            label="Cancel order"
            question={
              o.status === 'paid'
                ? 'Cancel it and refund the customer in full?'
                : 'Cancel this unpaid order?'
            }
            onConfirm={() => cancel.mutate()}
            pending={cancel.isPending}
          />
          {cancel.isError && <ErrorNotice error={cancel.error} title="Not cancelled." />}
        </div>
      )}
    </>
  );
}
