import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { Address } from '../../api/client';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { countryName } from '../../lib/countries';
import { AddressForm } from './AddressForm';
import { addressesQuery, useChangeAddress } from '../addresses/api';

function AddressLines({ address }: { address: Address }) {
  const cityLine = [address.city, address.region, address.postalCode].filter(Boolean).join(' ');
  return (
    <address className="address-card__lines">
      {address.firstName} {address.lastName}
      <br />
      {address.line1}
      {address.line2 && (
        <>
          <br />
          {address.line2}
        </>
      )}
      <br />
      {cityLine}
      <br />
      {countryName(address.country)}
      {address.phone && (
        <>
          <br />
          {address.phone}
        </>
      )}
    </address>
  );
}

function AddressCard({
  address,
  onEdit,
  onChanged,
}: {
  address: Address;
  onEdit: () => void;
  onChanged: (message: string) => void;
}) {
  const change = useChangeAddress();
  const [confirming, setConfirming] = useState(false);
  const what = `${address.line1}, ${address.city}`;

  // Awaited rather than given to `mutate`: once the list is read again a deleted card is gone, and
  // `mutate`'s own callbacks do not run for a component that has unmounted.
  async function run(
    changeToMake: Parameters<typeof change.mutateAsync>[0],
    done: string,
  ): Promise<void> {
    try {
      await change.mutateAsync(changeToMake);
      onChanged(done);
    } catch {
      // Shown from the mutation's state, below the address.
    }
  }

  return (
    <li className="address-card" data-testid="address-card">
      {address.isDefaultShipping && <p className="account-badge">Default shipping address</p>}
      <AddressLines address={address} />
      {change.isError && <ErrorNotice error={change.error} title="Not changed." />}
      {confirming ? (
        <div className="confirm" role="group" aria-labelledby={`delete-${address.id}`}>
          <p id={`delete-${address.id}`}>Delete the address at {what}?</p>
          <div className="confirm__actions">
            <button
              type="button"
              className="button button--small button--danger"
              disabled={change.isPending}
              onClick={() =>
                void run({ kind: 'delete', id: address.id }, `The address at ${what} was deleted.`)
              }
            >
              {change.isPending ? 'Deleting…' : 'Yes, delete it'}
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              // The safe choice has focus first, so a stray Enter keeps the address.
              autoFocus
              onClick={() => setConfirming(false)}
            >
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div className="address-card__actions">
          <button type="button" className="button button--small button--secondary" onClick={onEdit}>
            Edit<span className="visually-hidden"> the address at {what}</span>
          </button>
          {!address.isDefaultShipping && (
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={change.isPending}
              onClick={() =>
                void run(
                  { kind: 'update', id: address.id, body: { isDefaultShipping: true } },
                  `The address at ${what} is now your default.`,
                )
              }
            >
              Make default<span className="visually-hidden"> the address at {what}</span>
            </button>
          )}
          <button
            type="button"
            className="button button--small button--secondary"
            onClick={() => setConfirming(true)}
          >
            Delete<span className="visually-hidden"> the address at {what}</span>
          </button>
        </div>
      )}
    </li>
  );
}

export function AddressBook() {
  useDocumentTitle('Your addresses');
  const addresses = useQuery(addressesQuery);
  // Which form is open: a new address, or the id of the one being edited. One at a time.
  const [editing, setEditing] = useState<'new' | string | null>(null);
  const [message, setMessage] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  /** After a change the form or button is gone: focus returns to the section, which says what happened. */
  function finished(text: string) {
    setEditing(null);
    setMessage(text);
    headingRef.current?.focus();
  }
  function open(which: 'new' | string) {
    setMessage('');
    setEditing(which);
  }

  let body;
  if (addresses.isPending) body = <Loading label="Loading your addresses…" />;
  else if (addresses.isError)
    body = (
      <ErrorNotice
        error={addresses.error}
        retry={() => void addresses.refetch()}
        title="We couldn’t load your addresses."
      />
    );
  else {
    const list = addresses.data;
    body = (
      <>
        {list.length === 0 && editing !== 'new' && (
          <Empty title="No saved addresses">
            <p>Save an address to check out faster.</p>
          </Empty>
        )}
        {list.length > 0 && (
          <ul className="address-list">
            {list.map((address) =>
              editing === address.id ? (
                <li key={address.id} className="address-card address-card--editing">
                  <AddressForm
                    address={address}
                    onDone={finished}
                    onCancel={() => setEditing(null)}
                  />
                </li>
              ) : (
                <AddressCard
                  key={address.id}
                  address={address}
                  onEdit={() => open(address.id)}
                  onChanged={finished}
                />
              ),
            )}
          </ul>
        )}
        {editing === 'new' ? (
          <AddressForm onDone={finished} onCancel={() => setEditing(null)} />
        ) : (
          <p>
            <button type="button" className="button" onClick={() => open('new')}>
              Add an address
            </button>
          </p>
        )}
      </>
    );
  }

  return (
    <section aria-labelledby="addresses-heading">
      <h2 id="addresses-heading" ref={headingRef} tabIndex={-1}>
        Addresses
      </h2>
      <p role="status" className="form__status">
        {message}
      </p>
      {body}
    </section>
  );
}
