import { sql } from 'drizzle-orm';
import { writeEvent } from '../../platform/bus/outbox.js';
import { queryRows, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import { paymentDisputed } from './events.js';
import type { ProviderEvent } from './provider.js';
import { disputes } from './tables.js';
import type { Money } from '../../platform/money.js';

type DisputeEvent = Extract<ProviderEvent, { type: 'payment_disputed' }>;

/**
 * A dispute as the provider reports it, kept in `disputes` (one row per provider dispute, its
 * status updated by each event) with its `payment_disputed` event, in the webhook's transaction.
 * An event that changes nothing (a status already recorded) writes nothing.
 */
export async function recordDispute(
  tx: Queryable,
  about: {
    orderId: string;
    paymentId: string;
    provider: string;
    reference: string;
    providerEventId: string;
    amount: Money;
  },
  event: DisputeEvent,
) {
  const settled = event.status !== 'open';
  // Two expressions, typed by hand.
  const [row] = await queryRows<{ opened: boolean; changed: boolean }>(
    tx,
    sql`WITH before AS (
          SELECT status FROM disputes WHERE provider = ${about.provider} AND provider_reference = ${event.disputeId}
        )
        INSERT INTO disputes (order_id, payment_id, provider, provider_reference, amount, currency, reason, status, closed_at)
        VALUES (${about.orderId}::uuid, ${about.paymentId}::uuid, ${about.provider}, ${event.disputeId},
                ${about.amount.amount}, ${about.amount.currency}, ${event.reason}, ${event.status},
                ${settled ? sql`now()` : sql`NULL`})
        ON CONFLICT (provider, provider_reference) DO UPDATE
          SET status = excluded.status, reason = excluded.reason, amount = excluded.amount,
              closed_at = coalesce(disputes.closed_at, excluded.closed_at), updated_at = now()
        RETURNING (SELECT count(*) = 0 FROM before) AS opened,
                  (SELECT coalesce(bool_and(status <> ${event.status}), true) FROM before) AS changed`,
  );
  if (!row?.changed) return;
  await writeEvent(tx, paymentDisputed, {
    ...about,
    disputeId: event.disputeId,
    reason: event.reason,
    status: event.status,
    opened: row.opened,
  });
}

/** The disputes of an order, oldest first, for the admin's view. */
export async function disputesOf(q: Queryable, orderId: string) {
  const d = disputes;
  const rows = await queryRows<
    Row<
      typeof disputes,
      | 'provider_reference'
      | 'amount'
      | 'currency'
      | 'reason'
      | 'status'
      | 'created_at'
      | 'closed_at'
    >
  >(
    q,
    sql`SELECT ${d.providerReference}, ${d.amount}, ${d.currency}, ${d.reason}, ${d.status},
               ${d.createdAt}, ${d.closedAt}
        FROM ${d} WHERE ${d.orderId} = ${orderId}::uuid ORDER BY ${d.createdAt}`,
  );
  return rows.map((d) => ({
    id: d.provider_reference,
    amount: { amount: d.amount, currency: d.currency.trim() },
    reason: d.reason,
    status: d.status,
    openedAt: new Date(d.created_at).toISOString(),
    closedAt: d.closed_at ? new Date(d.closed_at).toISOString() : null,
  }));
}
