import { lazy, Suspense } from 'react';
import { Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { useSession } from '../../auth/useSession';
import { Loading, NotFoundPage } from '../../app/states';
import './admin.css';

const Dashboard = lazy(() => import('./Dashboard'));
const OrdersPage = lazy(() => import('./OrdersPage'));
const OrderDetailPage = lazy(() => import('./OrderDetailPage'));
const CustomersPage = lazy(() => import('./CustomersPage'));
const CustomerDetailPage = lazy(() => import('./CustomerDetailPage'));
const EventsPage = lazy(() => import('./EventsPage'));
const NotificationsPage = lazy(() => import('./NotificationsPage'));
const ProductsPage = lazy(() => import('./ProductsPage'));
const ProductEditPage = lazy(() => import('./ProductEditPage'));
const NewProductPage = lazy(() =>
  import('./ProductEditPage').then((m) => ({ default: m.NewProductPage })),
);
const CategoriesPage = lazy(() => import('./CategoriesPage'));
const CatalogFilePage = lazy(() => import('./CatalogFilePage'));
const DiscountsPage = lazy(() => import('./DiscountsPage'));
const AuditPage = lazy(() => import('./AuditPage'));

const sections = [
  ['/admin', 'Dashboard'],
  ['/admin/orders', 'Orders'],
  ['/admin/products', 'Products'],
  ['/admin/categories', 'Categories'],
  ['/admin/discounts', 'Discounts'],
  ['/admin/customers', 'Customers'],
  ['/admin/events', 'Events'],
  ['/admin/notifications', 'Emails'],
  ['/admin/audit', 'Audit log'],
] as const;

/**
 * The store team's app, in its own chunks: a shopper's browser never downloads it. Only an
 * administrator gets past the gate; the API checks the role on every call regardless.
 */
export function AdminApp() {
  const { user, settled } = useSession();
  const location = useLocation();
  if (!settled) return <Loading label="Checking who is signed in…" />;
  if (!user) {
    return (
      <Navigate
        to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
        replace
      />
    );
  }
  if (user.role !== 'admin') {
    return (
      <main id="main" className="container page">
        <h1>For the store team</h1>
        <p>This area needs an administrator account. You are signed in as {user.email}.</p>
        <p>
          <Link to="/">Back to the store</Link>
        </p>
      </main>
    );
  }
  return (
    <div className="admin">
      <a className="skip-link" href="#admin-main">
        Skip to content
      </a>
      <header className="admin__bar">
        <Link className="brand" to="/admin">
          <span className="brand__mark" aria-hidden="true" />
          Stride admin
        </Link>
        <span className="admin__who">{user.email}</span>
        <Link to="/">View store</Link>
      </header>
      <div className="admin__body">
        <nav className="admin__nav" aria-label="Admin">
          {sections.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/admin'}>
              {label}
            </NavLink>
          ))}
        </nav>
        <main id="admin-main" className="admin__main" tabIndex={-1}>
          <Suspense fallback={<Loading label="Loading…" />}>
            <Routes>
              <Route index element={<Dashboard />} />
              <Route path="orders" element={<OrdersPage />} />
              <Route path="orders/:id" element={<OrderDetailPage />} />
              <Route path="products" element={<ProductsPage />} />
              <Route path="products/new" element={<NewProductPage />} />
              <Route path="products/file" element={<CatalogFilePage />} />
              <Route path="products/:id" element={<ProductEditPage />} />
              <Route path="categories" element={<CategoriesPage />} />
              <Route path="discounts" element={<DiscountsPage />} />
              <Route path="customers" element={<CustomersPage />} />
              <Route path="customers/:id" element={<CustomerDetailPage />} />
              <Route path="events" element={<EventsPage />} />
              <Route path="notifications" element={<NotificationsPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </main>
      </div>
    </div>
  );
}
