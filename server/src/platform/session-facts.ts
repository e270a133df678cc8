import type { Cache } from './cache/port.js';
import type { Role } from './context.js';

/*
 * What access-token checks (`http/auth.ts`) know of sessions, shared through the cache with the
 * accounts module, which ends sessions: kept here, below HTTP, so its services need no web import.
 */

/** Key under which a revoked session's id is kept until its last access token has expired. */
export const revokedSessionKey = (sessionId: string) => `auth:revoked-session:${sessionId}`;
/** Key of a session's live facts (owner, role, ended), cached briefly by `http/auth.ts`. */
export const sessionFactsKey = (sessionId: string) => `auth:session:${sessionId}`;

/** What the accounts module knows of a session now; null when there is no such session. */
export interface SessionFacts {
  userId: string;
  role: Role;
  /** Revoked, expired, or its account deactivated. */
  ended: boolean;
}

export interface SessionDirectory {
  describe(sessionId: string): Promise<SessionFacts | null>;
}

/**
 * Retire the cached facts of sessions at once (on every process, through the shared cache): after
 * a role change, a deactivation or a revocation, the next request reads them from the database.
 */
export async function retireSessionFacts(cache: Cache, sessionIds: string[]): Promise<void> {
  if (sessionIds.length > 0) await cache.del(...sessionIds.map(sessionFactsKey));
}
