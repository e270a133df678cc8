import { createBrowserRouter } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from './states';
import { RouteError } from './RouteError';

/**
 * Every page is its own chunk, loaded when first visited; the shell (header, bag count, search)
 * is the only code every visitor downloads.
 */
// The store team's app: its own layout and chunks, never part of a shopper's download. A build with
// VITE_WITHOUT_ADMIN=1 leaves it out, so the benchmark can measure what it adds to the storefront.
const adminRoutes = import.meta.env.VITE_WITHOUT_ADMIN
  ? []
  : [
      {
        path: 'admin/*',
        errorElement: <RouteError />,
        lazy: async () => ({ Component: (await import('../features/admin/AdminApp')).AdminApp }),
      },
    ];

export const router = createBrowserRouter([
  ...adminRoutes,
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import('../features/catalog/HomePage')).HomePage }),
      },
      {
        path: 'shop',
        lazy: async () => ({
          Component: (await import('../features/catalog/ListingPage')).ListingPage,
        }),
      },
      {
        path: 'shop/:category',
        lazy: async () => ({
          Component: (await import('../features/catalog/ListingPage')).ListingPage,
        }),
      },
      {
        path: 'search',
        lazy: async () => ({
          Component: (await import('../features/catalog/ListingPage')).ListingPage,
        }),
      },
      {
        path: 'products/:slug',
        lazy: async () => ({
          Component: (await import('../features/catalog/ProductPage')).ProductPage,
        }),
      },
      {
        path: 'bag',
        lazy: async () => ({ Component: (await import('../features/checkout/BagPage')).BagPage }),
      },
      {
        path: 'checkout',
        lazy: async () => ({
          Component: (await import('../features/checkout/CheckoutPage')).CheckoutPage,
        }),
      },
      {
        path: 'orders/:id/confirmation',
        lazy: async () => ({
          Component: (await import('../features/orders/OrderPage')).ConfirmationPage,
        }),
      },
      {
        path: 'orders/:id/pay',
        lazy: async () => ({
          Component: (await import('../features/checkout/PaymentPage')).PaymentPage,
        }),
      },
      {
        path: 'orders/:id',
        lazy: async () => ({ Component: (await import('../features/orders/OrderPage')).OrderPage }),
      },
      {
        path: 'sign-in',
        lazy: async () => ({
          Component: (await import('../features/accounts/SignInPage')).SignInPage,
        }),
      },
      {
        path: 'sign-up',
        lazy: async () => ({
          Component: (await import('../features/accounts/SignUpPage')).SignUpPage,
        }),
      },
      {
        path: 'reset-password',
        lazy: async () => ({
          Component: (await import('../features/accounts/ResetPasswordPage')).ResetPasswordPage,
        }),
      },
      {
        path: 'account/*',
        lazy: async () => ({
          Component: (await import('../features/accounts/AccountPage')).AccountPage,
        }),
      },
      { path: '*', Component: NotFoundPage },
    ],
  },
]);
