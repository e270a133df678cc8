import type { paths } from '../../api/schema';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminQueries } from './api';
import { ChoiceFilter, ListBody, LoadMore, useCursorList, useUrlFilters, when } from './ui';

type Query = NonNullable<paths['/api/v1/admin/notifications']['get']['parameters']['query']>;
const statuses = ['pending', 'sent', 'failed'] as const;

export default function NotificationsPage() {
  useDocumentTitle('Emails · Admin');
  const [filters, setFilters] = useUrlFilters(['to', 'status'] as const);
  const query: Query = {
    ...(filters.to ? { to: filters.to } : {}),
    ...(statuses.includes(filters.status as never)
      ? { status: filters.status as Query['status'] }
      : {}),
  };
  const emails = useCursorList(adminQueries.notifications(query));
  const items = emails.items;
  return (
    <>
      <h1>Emails</h1>
      <form className="filters" aria-label="Filter emails" onSubmit={(e) => e.preventDefault()}>
        <label>
          Recipient
          <input
            type="search"
            value={filters.to}
            onChange={(e) => setFilters({ to: e.target.value })}
          />
        </label>
        <ChoiceFilter
          label="Status"
          value={filters.status}
          choices={statuses.map((s) => [s, s] as const)}
          onChange={(status) => setFilters({ status })}
        />
      </form>
      <ListBody list={emails} what="emails">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Created</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id} data-testid="email-row">
                <td>{n.to}</td>
                <td>{n.subject}</td>
                <td>{n.status}</td>
                <td>{n.attempts}</td>
                <td>{when(n.createdAt)}</td>
                <td>{when(n.sentAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={emails} label="Load more emails" />
    </>
  );
}
