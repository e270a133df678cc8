import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { orderStatusLabels } from '../../lib/orderStatus';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { BarChart } from './BarChart';
import { adminQueries } from './api';
import { money, Panel, useUrlFilters, when } from './ui';

const day = 24 * 60 * 60 * 1000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export default function Dashboard() {
  useDocumentTitle('Dashboard · Admin');
  const [range, setRange] = useUrlFilters(['from', 'to'] as const);
  // The last 30 days unless the URL says otherwise; "today" is fixed when the page opens.
  const [today] = useState(() => Date.now());
  const to = range.to || isoDay(new Date(today));
  const from = range.from || isoDay(new Date(today - 29 * day));
  const stats = useQuery(adminQueries.stats(from, to));
  const recent = useQuery(adminQueries.recentOrders());

  return (
    <>
      <h1>Dashboard</h1>
      <form className="filters" aria-label="Period">
        <label>
          From
          <input
            type="date"
            value={from}
            max={to}
            onChange={(e) => setRange({ from: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={to}
            min={from}
            onChange={(e) => setRange({ to: e.target.value })}
          />
        </label>
      </form>
      {stats.isPending ? (
        <Loading label="Loading figures…" />
      ) : stats.isError ? (
        <ErrorNotice error={stats.error} retry={() => stats.refetch()} />
      ) : (
        <>
          <dl className="kpis">
            <div>
              <dt>Revenue</dt>
              <dd data-testid="kpi-revenue">
                {money(stats.data.totals.revenue, stats.data.currency)}
              </dd>
            </div>
            <div>
              <dt>Orders</dt>
              <dd data-testid="kpi-orders">{stats.data.totals.orders}</dd>
            </div>
            <div>
              <dt>Average order</dt>
              <dd>{money(stats.data.totals.averageOrderValue, stats.data.currency)}</dd>
            </div>
            <div>
              <dt>Units sold</dt>
              <dd>{stats.data.totals.units}</dd>
            </div>
          </dl>
          <div className="admin-grid">
            <Panel title="Revenue per day">
              <BarChart
                label="Revenue per day"
                points={stats.data.days.map((d) => ({
                  key: d.day,
                  value: d.revenue,
                  text: money(d.revenue, stats.data.currency),
                }))}
              />
            </Panel>
            <Panel title="Orders per day">
              <BarChart
                label="Orders per day"
                points={stats.data.days.map((d) => ({
                  key: d.day,
                  value: d.orders,
                  text: String(d.orders),
                }))}
              />
            </Panel>
            <Panel title={`Low stock (${stats.data.lowStockThreshold} or fewer)`}>
              {stats.data.lowStock.length === 0 ? (
                <p className="muted">Nothing is running low.</p>
              ) : (
                <ul className="plain-list">
                  {stats.data.lowStock.map((v) => (
                    <li key={v.variantId}>
                      {v.name} · {v.sku}: <strong>{v.available}</strong> available ({v.onHand} on
                      hand, {v.reserved} reserved)
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="Top products">
              <ol className="plain-list">
                {stats.data.topProducts.map((p) => (
                  <li key={p.slug}>
                    {p.name}: {p.units} sold, {money(p.revenue, stats.data.currency)}
                  </li>
                ))}
              </ol>
            </Panel>
          </div>
        </>
      )}
      <Panel title="Recent orders" actions={<Link to="/admin/orders">All orders</Link>}>
        {recent.isPending ? (
          <Loading label="Loading orders…" />
        ) : recent.isError ? (
          <ErrorNotice error={recent.error} />
        ) : (
          <ul className="plain-list">
            {recent.data.items.map((o) => (
              <li key={o.id}>
                <Link to={`/admin/orders/${o.id}`}>{o.number}</Link> · {orderStatusLabels[o.status]}{' '}
                · {formatMoney(o.total)} · {when(o.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}
