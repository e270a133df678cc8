import type { AuthResult, User } from '../api/client';

/**
 * The signed-in shopper. The access token lives in memory only (never in storage a script could
 * read back later); the refresh token is the API's httpOnly cookie, so a reload signs the shopper
 * back in with one silent refresh.
 */
interface State {
  user: User | null;
  accessToken: string | null;
  /** False until the first silent refresh has answered, so pages do not flash "signed out". */
  settled: boolean;
}

/**
 * Set while a refresh cookie is likely held, so a visitor who never signed in is not sent to the
 * refresh endpoint (and its 401) on every page load. The cookie itself stays httpOnly.
 */
const hintKey = 'stride.session';
function hint(on: boolean) {
  try {
    if (on) localStorage.setItem(hintKey, '1');
    else localStorage.removeItem(hintKey);
  } catch {
    // No storage: the refresh is simply always tried.
  }
}
function hinted(): boolean {
  try {
    return localStorage.getItem(hintKey) === '1';
  } catch {
    return true;
  }
}

let state: State = { user: null, accessToken: null, settled: !hinted() };
const listeners = new Set<() => void>();
let refreshing: Promise<boolean> | null = null;

function set(next: Partial<State>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

async function postJson(path: string, body: unknown, token?: string | null): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

export const session = {
  get: (): State => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  accessToken: (): string | null => state.accessToken,

  /** Keep what a sign-in, sign-up or refresh answered. */
  signedIn(result: AuthResult) {
    hint(true);
    set({ user: result.user, accessToken: result.accessToken, settled: true });
  },

  updateUser(user: User) {
    set({ user });
  },

  /** At start: sign a returning shopper back in, if they may be signed in. */
  restore(): Promise<boolean> {
    return hinted() ? session.refresh() : Promise.resolve(false);
  },

  /** One refresh at a time, shared by every caller that met a 401 meanwhile. */
  refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const response = await postJson('/api/v1/auth/refresh', {});
        if (!response.ok) {
          hint(false);
          set({ user: null, accessToken: null, settled: true });
          return false;
        }
        session.signedIn((await response.json()) as AuthResult);
        return true;
      } catch {
        set({ settled: true });
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  },

  /** Forget the session in this tab only: for when the API has already ended it (everywhere). */
  forget() {
    hint(false);
    set({ user: null, accessToken: null, settled: true });
  },

  async signOut() {
    const token = state.accessToken;
    hint(false);
    set({ user: null, accessToken: null, settled: true });
    await postJson('/api/v1/auth/logout', {}, token).catch(() => undefined);
  },
};
