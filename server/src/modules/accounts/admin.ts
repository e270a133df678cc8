import { sql } from 'drizzle-orm';
import type { Cache } from '../../platform/cache/port.js';
import { inTransaction, type Context, type Role } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { retireSessionFacts } from '../../platform/session-facts.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';
import { recordAudit } from '../../platform/audit/record.js';
import { toUser, type UserRow } from './service.js';
import type { createSessionStore } from './sessions.js';
import type { Row } from '../../platform/db/rows.js';
import type { users } from './tables.js';

/**
 * What the store team does to accounts: roles, deactivation and reactivation, and reading them.
 * Each change retires the account's cached session facts at once, so every live token is judged by
 * it on its next request, on every process; each is recorded in the audit log.
 */
export function createAccountAdmin(deps: {
  db: Db;
  cache: Cache;
  sessions: ReturnType<typeof createSessionStore>;
  findById: (id: string) => Promise<UserRow | undefined>;
}) {
  const { db, cache, sessions, findById } = deps;
  return {
    /**
     * Make an account an administrator or a customer. Its sessions' cached facts are retired at
     * once, so the next request of every live token is judged by the new role, on every process.
     */
    async setRole(ctx: Context, userId: string, role: Role): Promise<void> {
      await inTransaction(db, ctx, async (txCtx) => {
        const [before] = await queryRows<Row<typeof users, 'role'>>(
          txCtx.tx,
          sql`SELECT role FROM users WHERE id = ${userId}::uuid FOR UPDATE`,
        );
        if (!before) throw new NotFound('No such account.');
        await txCtx.tx.execute(
          sql`UPDATE users SET role = ${role}, updated_at = now() WHERE id = ${userId}::uuid`,
        );
        await recordAudit(txCtx, {
          action: 'account.role',
          target: `user:${userId}`,
          before: { role: before.role },
          after: { role },
        });
      });
      await retireSessionFacts(cache, await sessions.idsOf(userId));
    },

    /**
     * The store team closes an account: sign-in and refresh are refused, and every live session
     * (and its access tokens, on every process) ends at once. An administrator cannot close their own.
     */
    async deactivate(ctx: Context, userId: string) {
      if (ctx.actor?.id === userId) {
        throw new Conflict(
          'cannot_deactivate_self',
          'An administrator cannot deactivate their own account.',
        );
      }
      const revoked = await inTransaction(db, ctx, async (txCtx) => {
        const { tx } = txCtx;
        // Set by this very update (coalesce with now()), so never null here.
        const rows = await queryRows<{
          deactivated_at: NonNullable<Row<typeof users, 'deactivated_at'>['deactivated_at']>;
        }>(
          tx,
          sql`UPDATE users SET deactivated_at = coalesce(deactivated_at, now()), updated_at = now()
              WHERE id = ${userId}::uuid RETURNING deactivated_at`,
        );
        if (!rows[0]) throw new NotFound('No such account.');
        await recordAudit(txCtx, {
          action: 'account.deactivate',
          target: `user:${userId}`,
          after: { deactivatedAt: new Date(rows[0].deactivated_at).toISOString() },
        });
        return sessions.revokeAllInTx(tx, userId, 'deactivated');
      });
      await sessions.denyAccessTokens(revoked);
      await retireSessionFacts(cache, await sessions.idsOf(userId));
      const user = await findById(userId);
      if (!user) throw new NotFound('No such account.');
      return toUser(user);
    },

    /** One account, for the store team (the route is admin-only). */
    async adminGet(_ctx: Context, userId: string) {
      const user = await findById(userId);
      if (!user) throw new NotFound('No such account.');
      return toUser(user);
    },

    async reactivate(ctx: Context, userId: string) {
      return inTransaction(db, ctx, async (txCtx) => {
        const [user] = await queryRows<UserRow>(
          txCtx.tx,
          sql`UPDATE users SET deactivated_at = NULL, updated_at = now() WHERE id = ${userId}::uuid RETURNING *`,
        );
        if (!user) throw new NotFound('No such account.');
        await recordAudit(txCtx, {
          action: 'account.reactivate',
          target: `user:${userId}`,
          after: { deactivatedAt: null },
        });
        return toUser(user);
      });
    },

    async listCustomers(
      _ctx: Context,
      options: {
        limit: number;
        q?: string | undefined;
        cursor?: string | undefined;
      },
    ) {
      const after = options.cursor ? decodeIdCursor(options.cursor) : undefined;
      const pattern = options.q
        ? `%${options.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`
        : undefined;
      const rows = await queryRows<UserRow>(
        db,
        sql`SELECT * FROM users
            WHERE ${pattern ? sql`(lower(email) LIKE ${pattern} OR lower(first_name || ' ' || last_name) LIKE ${pattern})` : sql`TRUE`}
              ${after ? sql`AND id < ${after}::uuid` : sql``}
            ORDER BY id DESC LIMIT ${options.limit + 1}`,
      );
      const page = pageOf(rows, options.limit);
      return { items: page.items.map(toUser), nextCursor: page.nextCursor };
    },
  };
}
