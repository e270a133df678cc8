import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';

/** A page's loading state: announced to screen readers, drawn as a quiet placeholder. */
export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** A failure with what went wrong and a way to try again. */
export function ErrorNotice({
  error,
  retry,
  title = 'Something went wrong.',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  const message =
    error instanceof ApiError || error instanceof Error ? error.message : 'Please try again.';
  return (
    <div role="alert" className="notice notice--error">
      <p>
        <strong>{title}</strong> {message}
      </p>
      {retry && (
        <button type="button" className="button button--secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function NotFoundPage() {
  return (
    <section className="page not-found" aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Page not found</h1>
      <p>We couldn’t find that page. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link className="button" to="/shop">
          Shop all products
        </Link>
      </p>
    </section>
  );
}

export const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;
