import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Outlet, ScrollRestoration } from 'react-router';
import { useSession } from '../auth/useSession';
import { useBag } from '../features/bag/api';
import { categoriesQuery } from '../features/catalog/api';
import { useCheckoutConfig } from '../features/checkout/api';
import { SearchBox } from './SearchBox';

/**
 * A test store says so on every page. It sits after the footer and sticks to the bottom of the
 * window, so it appears without moving anything already on screen and covers nothing at the end of
 * a page; clicks go through it.
 */
function TestStoreBanner() {
  const config = useCheckoutConfig();
  if (!config.data?.testMode) return null;
  return (
    <div className="test-store-banner" role="status" data-testid="test-store-banner">
      <strong>Test store:</strong> no real money is taken. Pay with a test card such as 4242 4242
      4242 4242.
    </div>
  );
}

function BagLink() {
  const bag = useBag();
  const count = bag.data?.itemCount ?? 0;
  return (
    <Link
      className="header-link bag-link"
      to="/bag"
      aria-label={`Bag, ${count} ${count === 1 ? 'item' : 'items'}`}
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          d="M6 8h12l-1 12H7L6 8zm3 0V6a3 3 0 0 1 6 0v2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinejoin="round"
        />
      </svg>
      <span className="bag-link__count" data-testid="bag-count">
        {count}
      </span>
    </Link>
  );
}

export function Layout() {
  const { user, settled } = useSession();
  const categories = useQuery(categoriesQuery);
  const top = categories.data?.items ?? [];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link className="brand" to="/" aria-label="Stride home">
            <span className="brand__mark" aria-hidden="true" />
            Stride
          </Link>
          <nav className="main-nav" aria-label="Shop">
            <NavLink to="/shop?gender=men">Men</NavLink>
            <NavLink to="/shop?gender=women">Women</NavLink>
            <NavLink to="/shop?gender=kids">Kids</NavLink>
            {top.slice(0, 3).map((category) => (
              <NavLink key={category.id} to={`/shop/${category.slug}`} className="main-nav__wide">
                {category.name}
              </NavLink>
            ))}
          </nav>
          <SearchBox />
          <div className="header-actions">
            <Link className="header-link" to={user ? '/account' : '/sign-in'} aria-busy={!settled}>
              {user ? `Hi, ${user.firstName}` : 'Sign in'}
            </Link>
            <BagLink />
          </div>
        </div>
      </header>

      <main id="main" className="container" tabIndex={-1}>
        <Outlet />
      </main>

      <footer className="site-footer">
        <div className="container site-footer__inner">
          <nav aria-label="Footer">
            <Link to="/shop">All products</Link>
            <Link to="/account">Account</Link>
          </nav>
          <p>© {new Date().getFullYear()} Stride. Athletic apparel.</p>
        </div>
      </footer>
      <TestStoreBanner />
      <ScrollRestoration />
    </>
  );
}
