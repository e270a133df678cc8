import { choicesOf, oneOf } from '../../lib/choices';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminQueries, type NotificationFilters } from './api';
import { ChoiceFilter, ListBody, LoadMore, useCursorList, useUrlFilters, when } from './ui';

const statuses: Record<NonNullable<NotificationFilters['status']>, string> = {
  pending: 'pending',
  sent: 'sent',
  failed: 'failed',
};

export default function NotificationsPage() {
  useDocumentTitle('Emails · Admin');
  const [filters, setFilters] = useUrlFilters(['to', 'status'] as const);
  const query: NotificationFilters = {
    ...(filters.to ? { to: filters.to } : {}),
    status: oneOf(statuses, filters.status),
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
          choices={choicesOf(statuses)}
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
