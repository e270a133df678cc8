import type { QueryClient } from '@tanstack/react-query';
import type { AuthResult } from '../../api/client';
import { session } from '../../auth/session';
import { adoptSignedInCart, bagKey, forgetBag } from '../bag/api';
import { addressKeys } from '../addresses/api';
import { orderKeys } from '../orders/api';
import { accountKeys } from './api';

const defaultDestination = '/account';

/**
 * Queries that hold one shopper's data: this module's, the address book and orders. Dropped
 * whenever who is signed in changes, so the next shopper in this tab never sees them.
 */
const personalKeys = [accountKeys.all, addressKeys.all, orderKeys.all];

function dropPersonalData(queryClient: QueryClient) {
  for (const queryKey of personalKeys) queryClient.removeQueries({ queryKey });
}

/**
 * Where to go after signing in: `?next=` only when it is a path on this site. Anything else (another
 * origin, `//host`, `/\host`, which browsers read as another origin) would make the sign-in page an
 * open redirect. The target is resolved against this origin and the path taken from the result, and
 * that path must resolve to the same place again: `/.//host` resolves, on this origin, to the path
 * `//host`, which read on its own names another host. The sign-in and sign-up pages themselves are
 * skipped, so there is no loop.
 */
export function safeNext(raw: string | null): string {
  if (!raw?.startsWith('/')) return defaultDestination;
  const origin = window.location.origin;
  try {
    const url = new URL(raw, origin);
    if (url.origin !== origin) return defaultDestination;
    const path = `${url.pathname}${url.search}${url.hash}`;
    if (!path.startsWith('/') || /^\/[/\\]/.test(path)) return defaultDestination;
    if (new URL(path, origin).href !== url.href) return defaultDestination;
    if (/^\/sign-(in|up)(\/|$)/.test(url.pathname)) return defaultDestination;
    return path;
  } catch {
    return defaultDestination;
  }
}

/** A link to the sign-in or sign-up page that keeps where the shopper was going. */
export function withNext(path: string, next: string): string {
  return next === defaultDestination ? path : `${path}?next=${encodeURIComponent(next)}`;
}

/**
 * Keep a fresh sign-in. Data cached for whoever used this tab before is dropped. After a
 * sign-in the API has merged the guest bag into the account's cart, so that cart becomes the bag;
 * a failure there must not undo the sign-in (the bag reloads on its own).
 */
export async function keepSignIn(
  queryClient: QueryClient,
  result: AuthResult,
  options: { adoptCart: boolean },
) {
  dropPersonalData(queryClient);
  session.signedIn(result);
  if (options.adoptCart) {
    await adoptSignedInCart(queryClient).catch(() =>
      queryClient.invalidateQueries({ queryKey: bagKey }),
    );
  }
}

/** After signing out: this tab forgets the account's bag and everything cached about the account. */
export function forgetAccount(queryClient: QueryClient) {
  forgetBag(queryClient);
  dropPersonalData(queryClient);
}
