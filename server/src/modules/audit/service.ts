import { sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';

interface AuditRow {
  id: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  created_at: Date | string;
}

export function createAuditService(deps: { db: Db }) {
  return {
    /** Newest first; by actor, action or target. */
    async list(
      ctx: Context,
      query: {
        limit: number;
        cursor?: string | undefined;
        actor?: string | undefined;
        action?: string | undefined;
        target?: string | undefined;
      },
    ) {
      const after = query.cursor ? decodeIdCursor(query.cursor) : undefined;
      const rows = await queryRows<AuditRow>(
        ctx.tx ?? deps.db,
        sql`SELECT a.*, u.email AS actor_email FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
            WHERE TRUE
              ${query.actor ? sql`AND a.actor_id = ${query.actor}::uuid` : sql``}
              ${query.action ? sql`AND a.action = ${query.action}` : sql``}
              ${query.target ? sql`AND a.target = ${query.target}` : sql``}
              ${after ? sql`AND a.id < ${after}::uuid` : sql``}
            ORDER BY a.id DESC LIMIT ${query.limit + 1}`,
      );
      const page = pageOf(rows, query.limit);
      return {
        items: page.items.map((row) => ({
          id: row.id,
          actor: row.actor_id ? { id: row.actor_id, email: row.actor_email } : null,
          action: row.action,
          target: row.target,
          before: row.before ?? null,
          after: row.after ?? null,
          createdAt: new Date(row.created_at).toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
