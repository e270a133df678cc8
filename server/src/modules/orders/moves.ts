import { sql } from 'drizzle-orm';
import type { TxContext } from '../../platform/context.js';
import { InvalidTransition } from '../../platform/errors.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import { recordAudit } from '../../platform/audit/record.js';
import { sendEmail } from '../../platform/email-request.js';
import * as repository from './repository.js';
import { assertTransition, type OrderStatus } from './status.js';

/** Who moved an order, as its timeline says it. */
export type Who = 'customer' | 'guest' | 'admin' | 'system';

/**
 * The one place an order's status changes: checked against the status machine, applied
 * conditionally on the status it was checked against, recorded in the timeline and (for an admin)
 * the audit log. The caller holds the order's row lock.
 */
export async function move(
  ctx: TxContext,
  row: repository.OrderRow,
  to: OrderStatus,
  actor: Who,
  reason?: string,
  set = sql``,
) {
  assertTransition(row.status, to);
  const moved = await repository.updateStatus(ctx.tx, row.id, row.status, to, set);
  if (!moved) throw new InvalidTransition(row.status, to);
  await repository.recordHistory(ctx.tx, {
    orderId: row.id,
    from: row.status,
    to,
    actor,
    reason: reason ?? null,
  });
  await recordAudit(ctx, {
    action: `order.${to}`,
    target: `order:${row.id}`,
    before: { status: row.status },
    after: { status: to, ...(reason ? { reason } : {}) },
  });
}

/** A line on the order's timeline that changes nothing (from and to its current status). */
export const note = (ctx: TxContext, row: repository.OrderRow, actor: Who, reason: string) =>
  repository.recordHistory(ctx.tx, {
    orderId: row.id,
    from: row.status,
    to: row.status,
    actor,
    reason,
  });

/**
 * An email to the store team about an order (`storeTeam`: see storeTeamEmail; none, no email), in
 * the caller's transaction.
 */
export async function tellStoreTeam(
  ctx: TxContext,
  storeTeam: string | null,
  row: repository.OrderRow,
  template: 'refund_failed' | 'payment_disputed',
  data: Record<string, unknown>,
) {
  if (!storeTeam) return;
  await writeEvent(ctx.tx, sendEmail, {
    to: storeTeam,
    template,
    data: { order: { id: row.id, number: row.number }, ...data },
  });
}
