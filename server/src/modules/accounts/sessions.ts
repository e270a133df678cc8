import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Cache } from '../../platform/cache/port.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { Unauthenticated } from '../../platform/errors.js';
import {
  retireSessionFacts,
  revokedSessionKey,
  type SessionFacts,
} from '../../platform/session-facts.js';
import { refreshTokens, sessions, type users } from './tables.js';
import type { Row } from '../../platform/db/rows.js';

/**
 * Sessions and refresh tokens. A refresh token is 256 random bits, kept only as its SHA-256; each use
 * exchanges it for a new one in the same session (family). A token presented a second time means
 * someone else has a copy, so the whole family is revoked.
 */

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

export interface SessionContext {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

export interface SessionDeps {
  db: Db;
  cache: Cache;
  refreshTtlSeconds: number;
  accessTtlSeconds: number;
}

async function issueRefreshToken(
  tx: Queryable,
  sessionId: string,
  expiresAt: Date,
): Promise<string> {
  const token = newToken();
  await tx.insert(refreshTokens).values({ tokenHash: sha256(token), sessionId, expiresAt });
  return token;
}

export function createSessionStore(deps: SessionDeps) {
  const { db, cache } = deps;

  /** Deny a session's live access tokens until the longest of them has expired. */
  async function denyAccessTokens(sessionIds: string[]): Promise<void> {
    await Promise.all([
      ...sessionIds.map((id) => cache.set(revokedSessionKey(id), '1', deps.accessTtlSeconds + 5)),
      retireSessionFacts(cache, sessionIds),
    ]);
  }

  async function revokeWhere(
    tx: Queryable,
    where: ReturnType<typeof sql>,
    reason: string,
  ): Promise<string[]> {
    const rows = await queryRows<Row<typeof sessions, 'id'>>(
      tx,
      sql`UPDATE sessions SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
          WHERE revoked_at IS NULL AND ${where} RETURNING id`,
    );
    return rows.map((r) => r.id);
  }

  return {
    async start(tx: Queryable, userId: string, context: SessionContext) {
      const expiresAt = new Date(Date.now() + deps.refreshTtlSeconds * 1000);
      const [session] = await tx
        .insert(sessions)
        .values({ userId, userAgent: context.userAgent?.slice(0, 300), ip: context.ip, expiresAt })
        .returning({ id: sessions.id });
      if (!session) throw new Error('session insert returned nothing');
      const refreshToken = await issueRefreshToken(tx, session.id, expiresAt);
      return { sessionId: session.id, refreshToken };
    },

    /** Exchange a refresh token for a new one; the caller signs a new access token for the result. */
    async rotate(
      token: string,
    ): Promise<{ userId: string; sessionId: string; refreshToken: string }> {
      const outcome = await db.transaction(async (tx) => {
        // Both tables have `expires_at`: each is renamed by hand.
        const [row] = await queryRows<
          Row<typeof refreshTokens, 'session_id' | 'used_at'> &
            Row<typeof sessions, 'user_id' | 'revoked_at'> & {
              token_expires_at: Row<typeof refreshTokens, 'expires_at'>['expires_at'];
              session_expires_at: Row<typeof sessions, 'expires_at'>['expires_at'];
            }
        >(
          tx,
          sql`SELECT t.session_id, s.user_id, t.used_at, t.expires_at AS token_expires_at,
                     s.expires_at AS session_expires_at, s.revoked_at
              FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
              WHERE t.token_hash = ${sha256(token)}
              FOR UPDATE OF t, s`,
        );
        if (!row) return { kind: 'unknown' as const };
        if (row.used_at) {
          const revoked = await revokeWhere(
            tx,
            sql`id = ${row.session_id}::uuid`,
            'refresh_token_reuse',
          );
          return { kind: 'reused' as const, revoked };
        }
        const now = Date.now();
        if (
          row.revoked_at ||
          new Date(row.token_expires_at).getTime() <= now ||
          new Date(row.session_expires_at).getTime() <= now
        ) {
          return { kind: 'expired' as const };
        }
        await tx.execute(
          sql`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = ${sha256(token)}`,
        );
        await tx.execute(
          sql`UPDATE sessions SET last_used_at = now(), updated_at = now() WHERE id = ${row.session_id}::uuid`,
        );
        const refreshToken = await issueRefreshToken(
          tx,
          row.session_id,
          new Date(row.session_expires_at),
        );
        return {
          kind: 'rotated' as const,
          userId: row.user_id,
          sessionId: row.session_id,
          refreshToken,
        };
      });
      // Decided inside the transaction, acted on after it committed: a revocation must not roll back.
      if (outcome.kind === 'reused') {
        await denyAccessTokens(outcome.revoked);
        throw new Unauthenticated(
          'This refresh token was already used; the session has been ended for safety.',
        );
      }
      if (outcome.kind !== 'rotated')
        throw new Unauthenticated('The refresh token is invalid or has expired.');
      return outcome;
    },

    /** What access-token checks need to know of a session now (see `platform/session-facts.ts`). */
    async describe(sessionId: string): Promise<SessionFacts | null> {
      if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
      // `ended` is an expression, typed by hand.
      const [row] = await queryRows<
        Row<typeof sessions, 'user_id'> & Row<typeof users, 'role'> & { ended: boolean }
      >(
        db,
        sql`SELECT s.user_id, u.role,
                   (s.revoked_at IS NOT NULL OR s.expires_at <= now() OR u.deactivated_at IS NOT NULL) AS ended
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${sessionId}::uuid`,
      );
      return row ? { userId: row.user_id, role: row.role, ended: row.ended } : null;
    },

    /** Every session of a user, ended or not, for retiring their cached facts. */
    async idsOf(userId: string): Promise<string[]> {
      const s = sessions;
      const rows = await queryRows<Row<typeof sessions, 'id'>>(
        db,
        sql`SELECT ${s.id} FROM ${s} WHERE ${s.userId} = ${userId}::uuid AND ${s.expiresAt} > now()`,
      );
      return rows.map((r) => r.id);
    },

    /** The session a refresh token belongs to, used or not (sign-out must work with either). */
    async sessionOf(token: string): Promise<string | null> {
      const t = refreshTokens;
      const [row] = await queryRows<Row<typeof refreshTokens, 'session_id'>>(
        db,
        sql`SELECT ${t.sessionId} FROM ${t} WHERE ${t.tokenHash} = ${sha256(token)}`,
      );
      return row?.session_id ?? null;
    },

    async revoke(sessionId: string, reason: string): Promise<void> {
      const revoked = await revokeWhere(db, sql`id = ${sessionId}::uuid`, reason);
      await denyAccessTokens([...revoked, sessionId]);
    },

    /** End every session of a user, or every one but `keep`; in the caller's transaction. */
    async revokeAllInTx(
      tx: Queryable,
      userId: string,
      reason: string,
      keep?: string,
    ): Promise<string[]> {
      return revokeWhere(
        tx,
        keep
          ? sql`user_id = ${userId}::uuid AND id <> ${keep}::uuid`
          : sql`user_id = ${userId}::uuid`,
        reason,
      );
    },

    denyAccessTokens,
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
