import { useState, type FormEvent } from 'react';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminQueries } from './api';
import { ListBody, LoadMore, useCursorList, useUrlFilters, when } from './ui';

const keys = ['action', 'target'] as const;

/** A value as the audit log kept it, shown compactly. */
const shown = (value: unknown) =>
  value === null || value === undefined ? '—' : JSON.stringify(value);

/** Every admin write: who, what, on what, before and after, when. */
export default function AuditPage() {
  useDocumentTitle('Audit log · Admin');
  const [filters, setFilters] = useUrlFilters(keys);
  const [form, setForm] = useState(filters);
  const query = {
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.target ? { target: filters.target } : {}),
  };
  const entries = useCursorList(adminQueries.audit(query));
  function search(event: FormEvent) {
    event.preventDefault();
    setFilters({ action: form.action.trim(), target: form.target.trim() });
  }
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" role="search" aria-label="Find audit entries" onSubmit={search}>
        <label>
          Action
          <input
            type="search"
            value={form.action}
            placeholder="product.update"
            onChange={(e) => setForm({ ...form, action: e.target.value })}
          />
        </label>
        <label>
          Target
          <input
            type="search"
            value={form.target}
            onChange={(e) => setForm({ ...form, target: e.target.value })}
          />
        </label>
        <button type="submit" className="button button--small">
          Search
        </button>
      </form>
      <ListBody list={entries} what="entries">
        <table className="table audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {entries.items.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry">
                <td>{when(entry.createdAt)}</td>
                <td>{entry.actor?.email ?? 'the system'}</td>
                <td>{entry.action}</td>
                <td>{entry.target}</td>
                <td>
                  <code>{shown(entry.before)}</code>
                </td>
                <td>
                  <code>{shown(entry.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={entries} label="Load more entries" />
    </>
  );
}
