import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { session } from './auth/session';
import { router } from './app/router';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      // A problem the API stated (404, 422, ...) will not change on a retry; a network blip may.
      retry: (failures, error) => failures < 1 && !(error instanceof ApiError && error.status > 0),
      refetchOnWindowFocus: false,
    },
  },
});

// A returning shopper is signed back in from the refresh cookie, without waiting to render.
void session.restore();

const container = document.getElementById('root');
if (!container) throw new Error('Missing #root element');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
