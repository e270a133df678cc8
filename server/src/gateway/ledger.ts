import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../platform/db/index.js';
import { outcomeOf, type CardInput } from './cards.js';

/**
 * The local gateway's own books: payment intents, card attempts, refunds and the webhooks it owes
 * the store. They live in their own `gateway` schema, created by the gateway itself, and the store
 * never reads them: it learns what happened the way it would from any provider, by API answers and
 * signed webhooks.
 */
const schemaStatements = [
  sql`CREATE SCHEMA IF NOT EXISTS gateway`,
  sql`CREATE TABLE IF NOT EXISTS gateway.intents (
    id text PRIMARY KEY,
    client_secret text NOT NULL UNIQUE,
    idempotency_key text UNIQUE,
    amount integer NOT NULL CHECK (amount > 0),
    currency char(3) NOT NULL,
    status text NOT NULL CHECK (status IN ('requires_payment_method', 'succeeded', 'canceled')),
    amount_refunded integer NOT NULL DEFAULT 0,
    metadata jsonb NOT NULL DEFAULT '{}',
    return_url text,
    payment_method text,
    last_decline_code text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (amount_refunded BETWEEN 0 AND amount))`,
  sql`CREATE TABLE IF NOT EXISTS gateway.attempts (
    id text PRIMARY KEY,
    intent_id text NOT NULL REFERENCES gateway.intents (id),
    outcome text NOT NULL,
    decline_code text,
    payment_method text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`,
  sql`CREATE TABLE IF NOT EXISTS gateway.refunds (
    id text PRIMARY KEY,
    intent_id text NOT NULL REFERENCES gateway.intents (id),
    amount integer NOT NULL CHECK (amount > 0),
    idempotency_key text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now())`,
  sql`CREATE TABLE IF NOT EXISTS gateway.webhooks (
    id text PRIMARY KEY,
    type text NOT NULL,
    body text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    abandoned_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now())`,
  sql`CREATE INDEX IF NOT EXISTS webhooks_due_idx ON gateway.webhooks (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL`,
];

export async function ensureGatewaySchema(db: Db): Promise<void> {
  // One session at a time: CREATE ... IF NOT EXISTS still races on the catalog in PostgreSQL.
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('gateway.schema'))`);
    for (const statement of schemaStatements) await tx.execute(statement);
  });
}

const token = (prefix: string, bytes = 12) => `${prefix}_${randomBytes(bytes).toString('hex')}`;

export type IntentStatus = 'requires_payment_method' | 'succeeded' | 'canceled';

interface IntentRow {
  id: string;
  client_secret: string;
  amount: number;
  currency: string;
  status: IntentStatus;
  amount_refunded: number;
  metadata: Record<string, string>;
  return_url: string | null;
  payment_method: string | null;
  last_decline_code: string | null;
  created_at: Date | string;
}

/** An intent as the gateway's API shows it. */
export interface Intent {
  id: string;
  clientSecret: string;
  amount: number;
  currency: string;
  status: IntentStatus;
  amountRefunded: number;
  metadata: Record<string, string>;
  returnUrl: string | null;
  paymentMethod: string | null;
  lastDeclineCode: string | null;
}

const toIntent = (row: IntentRow): Intent => ({
  id: row.id,
  clientSecret: row.client_secret,
  amount: row.amount,
  currency: row.currency.trim(),
  status: row.status,
  amountRefunded: row.amount_refunded,
  metadata: row.metadata,
  returnUrl: row.return_url,
  paymentMethod: row.payment_method,
  lastDeclineCode: row.last_decline_code,
});

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The webhook the store receives, shaped like a real provider's event. */
export interface GatewayEvent {
  id: string;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed';
  created: number;
  data: {
    object: Intent & { lastPaymentError: { code: string; message: string } | null };
  };
}

export function createLedger(db: Db) {
  async function intentBy(
    q: Queryable,
    column: 'id' | 'client_secret',
    value: string,
    lock = false,
  ) {
    const [row] = await queryRows<IntentRow>(
      q,
      sql`SELECT * FROM gateway.intents WHERE ${sql.identifier(column)} = ${value}
          ${lock ? sql`FOR UPDATE` : sql``}`,
    );
    return row ?? null;
  }

  async function queueEvent(
    q: Queryable,
    type: GatewayEvent['type'],
    intent: IntentRow,
    error?: { code: string; message: string },
  ) {
    const event: GatewayEvent = {
      id: token('evt'),
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object: { ...toIntent(intent), lastPaymentError: error ?? null } },
    };
    // The client secret is for the shopper's browser, never for a webhook.
    const { clientSecret: _secret, ...object } = event.data.object;
    const body = JSON.stringify({ ...event, data: { object } });
    await q.execute(
      sql`INSERT INTO gateway.webhooks (id, type, body) VALUES (${event.id}, ${type}, ${body})`,
    );
  }

  return {
    /** One intent per idempotency key: a retried create answers the first intent. */
    async createIntent(input: {
      amount: number;
      currency: string;
      metadata?: Record<string, string>;
      returnUrl?: string | null;
      idempotencyKey?: string | null;
    }): Promise<Intent> {
      const id = token('pi');
      const [created] = await queryRows<IntentRow>(
        db,
        sql`INSERT INTO gateway.intents (id, client_secret, idempotency_key, amount, currency, status, metadata, return_url)
            VALUES (${id}, ${`${id}_secret_${randomBytes(16).toString('hex')}`}, ${input.idempotencyKey ?? null},
                    ${input.amount}, ${input.currency}, 'requires_payment_method',
                    ${JSON.stringify(input.metadata ?? {})}::jsonb, ${input.returnUrl ?? null})
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING *`,
      );
      if (created) return toIntent(created);
      const [existing] = await queryRows<IntentRow>(
        db,
        sql`SELECT * FROM gateway.intents WHERE idempotency_key = ${input.idempotencyKey ?? null}`,
      );
      if (!existing) throw new Error('unreachable: the conflicting intent exists');
      if (existing.amount !== input.amount || existing.currency.trim() !== input.currency) {
        throw new GatewayError(
          409,
          'idempotency_key_reused',
          'This Idempotency-Key was used for an intent with another amount.',
        );
      }
      return toIntent(existing);
    },

    async intent(id: string): Promise<Intent | null> {
      const row = await intentBy(db, 'id', id);
      return row ? toIntent(row) : null;
    },

    async intentBySecret(clientSecret: string): Promise<Intent | null> {
      const row = await intentBy(db, 'client_secret', clientSecret);
      return row ? toIntent(row) : null;
    },

    /**
     * Charge a (well-formed) card against an intent. The outcome, the intent's new state and the
     * webhook to send are written in one transaction: the store hears of every charge exactly as
     * it happened, however the sender fares afterwards.
     */
    async confirm(clientSecret: string, card: CardInput) {
      return db.transaction(async (tx) => {
        const row = await intentBy(tx, 'client_secret', clientSecret, true);
        if (!row) throw new GatewayError(404, 'intent_not_found', 'No such payment.');
        if (row.status !== 'requires_payment_method') {
          throw new GatewayError(
            409,
            row.status === 'succeeded' ? 'intent_already_succeeded' : 'intent_canceled',
            row.status === 'succeeded'
              ? 'This payment has already been made.'
              : 'This payment was cancelled.',
          );
        }
        const outcome = outcomeOf(card.cardNumber);
        const paymentMethod = `${outcome.brand} ending in ${outcome.last4}`;
        await tx.execute(
          sql`INSERT INTO gateway.attempts (id, intent_id, outcome, decline_code, payment_method)
              VALUES (${token('ch')}, ${row.id}, ${outcome.status}, ${outcome.declineCode ?? null}, ${paymentMethod})`,
        );
        const [updated] = await queryRows<IntentRow>(
          tx,
          sql`UPDATE gateway.intents
              SET status = ${outcome.status === 'succeeded' ? 'succeeded' : 'requires_payment_method'},
                  payment_method = ${paymentMethod},
                  last_decline_code = ${outcome.declineCode ?? null}, updated_at = now()
              WHERE id = ${row.id} RETURNING *`,
        );
        if (!updated) throw new Error('unreachable: the intent is locked');
        const error =
          outcome.status === 'declined'
            ? {
                code: outcome.declineCode ?? 'card_declined',
                message: outcome.message ?? 'The card was declined.',
              }
            : undefined;
        await queueEvent(
          tx,
          outcome.status === 'succeeded'
            ? 'payment_intent.succeeded'
            : 'payment_intent.payment_failed',
          updated,
          error,
        );
        return { intent: toIntent(updated), outcome };
      });
    },

    /** Cancel an intent nobody paid: later confirmations are refused. */
    async cancel(id: string): Promise<Intent> {
      const [row] = await queryRows<IntentRow>(
        db,
        sql`UPDATE gateway.intents SET status = 'canceled', updated_at = now()
            WHERE id = ${id} AND status = 'requires_payment_method' RETURNING *`,
      );
      if (row) return toIntent(row);
      const current = await intentBy(db, 'id', id);
      if (!current) throw new GatewayError(404, 'intent_not_found', 'No such payment.');
      return toIntent(current);
    },

    /** Refund part or all of what a succeeded intent took; one refund per idempotency key. */
    async refund(input: { intentId: string; amount?: number; idempotencyKey?: string | null }) {
      return db.transaction(async (tx) => {
        // The intent's lock first: two tries with one key then meet here, and the second sees the first.
        const row = await intentBy(tx, 'id', input.intentId, true);
        if (!row) throw new GatewayError(404, 'intent_not_found', 'No such payment.');
        if (input.idempotencyKey) {
          const [done] = await queryRows<{ id: string; amount: number }>(
            tx,
            sql`SELECT id, amount FROM gateway.refunds WHERE idempotency_key = ${input.idempotencyKey}`,
          );
          if (done) return { id: done.id, amount: done.amount, status: 'succeeded' as const };
        }
        if (row.status !== 'succeeded') {
          throw new GatewayError(
            409,
            'intent_not_succeeded',
            'Only a completed payment can be refunded.',
          );
        }
        const remaining = row.amount - row.amount_refunded;
        const amount = input.amount ?? remaining;
        if (!Number.isInteger(amount) || amount <= 0 || amount > remaining) {
          throw new GatewayError(
            422,
            'refund_exceeds_payment',
            `At most ${remaining} can be refunded on this payment.`,
          );
        }
        const id = token('re');
        await tx.execute(
          sql`INSERT INTO gateway.refunds (id, intent_id, amount, idempotency_key)
              VALUES (${id}, ${row.id}, ${amount}, ${input.idempotencyKey ?? null})`,
        );
        await tx.execute(
          sql`UPDATE gateway.intents SET amount_refunded = amount_refunded + ${amount}, updated_at = now()
              WHERE id = ${row.id}`,
        );
        return { id, amount, status: 'succeeded' as const };
      });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
