import { sql } from 'drizzle-orm';
import type { TxContext } from '../context.js';

export interface AuditEntry {
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Record a write in the caller's transaction when an administrator made it. Writes by customers,
 * guests and the system (a consumer, a job) are the order's or the event's own history instead.
 */
export async function recordAudit(ctx: TxContext, entry: AuditEntry): Promise<void> {
  if (ctx.actor?.role !== 'admin') return;
  await ctx.tx.execute(
    sql`INSERT INTO audit_log (actor_id, action, target, before, after)
        VALUES (${ctx.actor.id}::uuid, ${entry.action}, ${entry.target},
                ${entry.before === undefined ? null : JSON.stringify(entry.before)}::jsonb,
                ${entry.after === undefined ? null : JSON.stringify(entry.after)}::jsonb)`,
  );
}
