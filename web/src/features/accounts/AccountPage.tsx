import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { api, call } from '../../api/client';
import { session } from '../../auth/session';
import { useSession } from '../../auth/useSession';
import { ErrorNotice, Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { AddressBook } from './AddressBook';
import { OrderHistory } from './OrderHistory';
import { PasswordSection, ProfileSection } from './ProfileSections';
import { forgetAccount } from './session-actions';
import type { SignedOutState } from './SignInPage';
import './accounts.css';

type Leaving = NonNullable<SignedOutState['signedOut']>;

function SignOutPanel({ onLeave }: { onLeave: (how: Leaving) => Promise<void> }) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'pending'>('idle');
  const [error, setError] = useState<unknown>(null);

  async function everywhere() {
    setStep('pending');
    setError(null);
    try {
      await call(api.POST('/api/v1/auth/logout-all'));
      await onLeave('everywhere');
    } catch (failure) {
      setError(failure);
      setStep('confirm');
    }
  }

  return (
    <section className="account-signout" aria-labelledby="signout-heading">
      <h2 id="signout-heading">Sign out</h2>
      <div className="account-signout__actions">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void onLeave('here')}
        >
          Sign out
        </button>
        {step === 'idle' ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setStep('confirm')}
          >
            Sign out everywhere…
          </button>
        ) : (
          <div className="confirm" role="group" aria-labelledby="everywhere-question">
            <p id="everywhere-question">
              Sign out on every device, this one included? Anyone signed in to your account
              elsewhere will have to sign in again.
            </p>
            {error !== null && <ErrorNotice error={error} title="You are still signed in." />}
            <div className="confirm__actions">
              <button
                type="button"
                className="button button--small"
                disabled={step === 'pending'}
                onClick={() => void everywhere()}
              >
                {step === 'pending' ? 'Signing out…' : 'Yes, sign out everywhere'}
              </button>
              <button
                type="button"
                className="button button--small button--secondary"
                disabled={step === 'pending'}
                // Focus goes to the safe choice first, so Enter does not end every session.
                autoFocus
                onClick={() => {
                  setError(null);
                  setStep('idle');
                }}
              >
                Stay signed in
              </button>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function MissingSection() {
  useDocumentTitle('Page not found');
  return (
    <section aria-labelledby="missing-heading">
      <h2 id="missing-heading">Page not found</h2>
      <p>
        There is no such page in your account. <Link to="/account">See your orders</Link>.
      </p>
    </section>
  );
}

/**
 * The signed-in shopper's pages: orders, addresses, profile, password. Reached signed out (or once the
 * session has lapsed), it sends the shopper to sign in and back here afterwards.
 */
export function AccountPage() {
  const { user, settled } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [leaving, setLeaving] = useState<Leaving | null>(null);

  async function leave(how: Leaving) {
    // Committed before the session ends, so the page then goes to the sign-in page saying so,
    // rather than treating the sign-out as a lapsed session to come back from.
    flushSync(() => setLeaving(how));
    // After signing out everywhere the API has ended this session too: only the tab is left to clear.
    if (how === 'everywhere') session.forget();
    else await session.signOut();
    forgetAccount(queryClient);
  }

  if (leaving)
    return (
      <Navigate to="/sign-in" replace state={{ signedOut: leaving } satisfies SignedOutState} />
    );
  if (!settled) return <Loading label="Loading your account…" />;
  if (!user) {
    const here = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(here)}`} replace />;
  }

  return (
    <div className="page account">
      <header className="account__header">
        <h1>Your account</h1>
        <p className="account__greeting">
          Signed in as {user.firstName} {user.lastName} ({user.email})
        </p>
      </header>
      <nav className="tabs" aria-label="Account">
        <NavLink to="/account" end>
          Orders
        </NavLink>
        <NavLink to="/account/addresses">Addresses</NavLink>
        <NavLink to="/account/profile">Profile</NavLink>
        <NavLink to="/account/password">Password</NavLink>
      </nav>
      <div className="account__body">
        <Routes>
          <Route index element={<OrderHistory />} />
          <Route path="addresses" element={<AddressBook />} />
          <Route path="profile" element={<ProfileSection user={user} />} />
          <Route path="password" element={<PasswordSection email={user.email} />} />
          <Route path="*" element={<MissingSection />} />
        </Routes>
      </div>
      <SignOutPanel onLeave={leave} />
    </div>
  );
}
