import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';

/** A fresh cache per test, without retries, so a failure shows at once. */
export function testQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
}

/** `ui` inside the providers the app gives it (cache, router), with a user to drive it. */
export function renderWithStore(
  ui: ReactNode,
  {
    queryClient = testQueryClient(),
    route = '/',
  }: { queryClient?: QueryClient; route?: string } = {},
) {
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...view, user, queryClient };
}
