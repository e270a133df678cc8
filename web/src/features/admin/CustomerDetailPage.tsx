import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorNotice, isNotFound, Loading, NotFoundPage } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ConfirmButton, Panel, when } from './ui';
import { adminQueries } from './api';

export default function CustomerDetailPage() {
  const { id = '' } = useParams();
  const customer = useQuery(adminQueries.customer(id));
  const deactivate = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/admin/customers/{id}/deactivate', { params: { path: { id } } })),
    onSuccess: () => void customer.refetch(),
  });
  const reactivate = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/admin/customers/{id}/reactivate', { params: { path: { id } } })),
    onSuccess: () => void customer.refetch(),
  });
  const c = customer.data;
  useDocumentTitle(c ? `${c.firstName} ${c.lastName} · Admin` : 'Customer · Admin');
  if (customer.isPending) return <Loading label="Loading the customer…" />;
  if (customer.isError)
    return isNotFound(customer.error) ? (
      <NotFoundPage />
    ) : (
      <ErrorNotice error={customer.error} retry={() => customer.refetch()} />
    );
  const customerData = customer.data;
  return (
    <>
      <p>
        <Link to="/admin/customers">← Customers</Link>
      </p>
      <h1>
        {customerData.firstName} {customerData.lastName}
      </h1>
      <p className="muted">
        {customerData.email} · {customerData.role} · joined {when(customerData.createdAt)}
        {customerData.deactivatedAt ? ` · deactivated ${when(customerData.deactivatedAt)}` : ''}
      </p>
      <div className="admin-grid">
        <Panel title="Orders">
          {customerData.orders.items.length === 0 ? (
            <p className="muted">No orders yet.</p>
          ) : (
            <ul className="plain-list">
              {customerData.orders.items.map((o) => (
                <li key={o.id}>
                  <Link to={`/admin/orders/${o.id}`}>{o.number}</Link> ·{' '}
                  {orderStatusLabels[o.status]} · {formatMoney(o.total)} · {when(o.createdAt)}
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Addresses">
          {customerData.addresses.length === 0 ? (
            <p className="muted">None saved.</p>
          ) : (
            <ul className="plain-list">
              {customerData.addresses.map((a) => (
                <li key={a.id}>
                  {a.firstName} {a.lastName}, {a.line1}, {a.postalCode} {a.city}, {a.country}
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <div className="danger-zone">
        {customerData.deactivatedAt ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => reactivate.mutate()}
            disabled={reactivate.isPending}
          >
            Reactivate
          </button>
        ) : (
          <ConfirmButton
            label="Deactivate"
            question="Deactivate this account? Their sessions end at once."
            onConfirm={() => deactivate.mutate()}
            pending={deactivate.isPending}
          />
        )}
        {(deactivate.isError || reactivate.isError) && (
          <ErrorNotice error={deactivate.error ?? reactivate.error} />
        )}
      </div>
    </>
  );
}
