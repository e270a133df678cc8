import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { ErrorNotice, Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { choicesOf, oneOf } from '../../lib/choices';
import { adminKeys, adminQueries, type OutboxFilters } from './api';
import { ChoiceFilter, ListBody, LoadMore, Panel, useCursorList, useUrlFilters, when } from './ui';

function DeadLetters() {
  const queryClient = useQueryClient();
  const letters = useCursorList(adminQueries.deadLetters());
  const replay = useMutation({
    mutationFn: (eventId: string) =>
      call(api.POST('/api/v1/admin/events/{id}/replay', { params: { path: { id: eventId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.deadLetters });
      void queryClient.invalidateQueries({ queryKey: adminKeys.outbox });
    },
  });
  const items = letters.items;
  return (
    <Panel
      title="Dead letters"
      actions={
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => letters.refetch()}
        >
          Refresh
        </button>
      }
    >
      <p className="muted">
        What a consumer gave up on after its last retry. A replay sends the event again; consumers
        that already applied it ignore it.
      </p>
      {letters.isPending ? (
        <Loading label="Loading dead letters…" />
      ) : letters.isError ? (
        <ErrorNotice error={letters.error} retry={() => letters.refetch()} />
      ) : items.length === 0 ? (
        <p data-testid="no-dead-letters">Nothing is waiting: every consumer is up to date.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Consumer</th>
                <th scope="col">Error</th>
                <th scope="col">Given up</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((letter) => (
                <tr
                  key={`${letter.consumer}-${letter.eventId}`}
                  data-testid="dead-letter"
                  data-event-id={letter.eventId}
                  data-consumer={letter.consumer}
                >
                  <td>
                    {letter.type} <span className="muted">v{letter.version}</span>
                  </td>
                  <td>{letter.consumer}</td>
                  <td>{letter.error}</td>
                  <td>{when(letter.deadAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => replay.mutate(letter.eventId)}
                      disabled={replay.isPending}
                    >
                      Replay
                      <span className="visually-hidden">
                        {' '}
                        {letter.type} for {letter.consumer}
                      </span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {replay.isError && <ErrorNotice error={replay.error} title="Not replayed." />}
      {replay.isSuccess && (
        <p role="status" className="notice notice--success">
          Sent again.
        </p>
      )}
    </Panel>
  );
}

const states: Record<NonNullable<OutboxFilters['state']>, string> = {
  pending: 'pending',
  published: 'published',
  failed: 'failed',
};

function Outbox() {
  const [filters, setFilters] = useUrlFilters(['type', 'state'] as const);
  const query = {
    ...(filters.type ? { type: filters.type } : {}),
    state: oneOf(states, filters.state),
  };
  const events = useCursorList(adminQueries.outbox(query));
  const items = events.items;
  return (
    <Panel title="Outbox">
      <form className="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type
          <input
            type="search"
            value={filters.type}
            onChange={(e) => setFilters({ type: e.target.value })}
            placeholder="order_created"
          />
        </label>
        <ChoiceFilter
          label="State"
          value={filters.state}
          choices={choicesOf(states)}
          onChange={(state) => setFilters({ state })}
        />
      </form>
      <ListBody list={events} what="events">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Occurred</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {items.map((event) => (
              <tr key={event.id}>
                <td>{event.type}</td>
                <td>{event.state}</td>
                <td>{when(event.occurredAt)}</td>
                <td>{event.attempts}</td>
                <td>{event.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={events} label="Load more events" />
    </Panel>
  );
}

export default function EventsPage() {
  useDocumentTitle('Events · Admin');
  return (
    <>
      <h1>Events</h1>
      <DeadLetters />
      <Outbox />
    </>
  );
}
