import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** A page that failed to load (a chunk lost after a deploy, a render error): say so, offer a way on. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : 'The page could not be shown.';
  return (
    <main id="main" className="container page">
      <h1>Something went wrong</h1>
      <p>{message}</p>
      <p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>{' '}
        <Link to="/">Go to the home page</Link>
      </p>
    </main>
  );
}
