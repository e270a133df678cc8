import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import type { idempotencyKeys } from './tables.js';
import { Conflict, DomainError } from '../../platform/errors.js';

/**
 * Idempotency keys for order-creating requests. The first request with a key claims it; its answer
 * is stored with the key in the same transaction as the order (`complete`), so a retry gets that
 * answer and never a second order. A duplicate that arrives while the first is still working waits
 * for its answer. The same key with another request is refused. A request that fails gives the key
 * back (`abandon`) so the client can retry it once the problem is fixed; a claim whose holder died is
 * taken over after its lease. Keys are kept for 24 hours.
 */
export interface StoredAnswer {
  status: number;
  body: unknown;
  orderId: string | null;
}

/** A held claim names its holder: only that request may store the answer or give the key back. */
export type Claim = { kind: 'claimed'; holder: string } | { kind: 'replay'; answer: StoredAnswer };

export const idempotencyKeyRequired = () =>
  new DomainError(
    'invalid',
    'idempotency_key_required',
    'Send an Idempotency-Key header (a UUID you generate once per order attempt).',
  );

export function requestHash(scope: string, body: unknown): string {
  return createHash('sha256').update(scope).update('\n').update(JSON.stringify(body)).digest('hex');
}

type KeyRow = Row<
  typeof idempotencyKeys,
  'request_hash' | 'response_status' | 'response_body' | 'order_id'
>;

export interface IdempotencyOptions {
  db: Db;
  /** How long a claim is held before another request may take it over (the holder is presumed dead). */
  leaseSeconds?: number;
  ttlSeconds?: number;
  /** How long a duplicate waits for the first request's answer before giving up with 409. */
  waitMs?: number;
}

export function createIdempotency(options: IdempotencyOptions) {
  const { db } = options;
  // Only availability depends on it: a request outliving its lease cannot store a second answer.
  const lease = options.leaseSeconds ?? 60;
  const ttl = options.ttlSeconds ?? 24 * 3600;
  const waitMs = options.waitMs ?? 15_000;

  return {
    /**
     * Claim the key, or get the answer stored with it. Nothing here waits on a lock: the order's
     * transaction holds the key's row while it stores its answer, so a duplicate reads the row (a
     * plain read never waits), and takes it over only with SKIP LOCKED. It polls, holding no
     * connection, until the answer is there.
     */
    async claim(scope: string, key: string, hash: string): Promise<Claim> {
      const deadline = Date.now() + waitMs;
      const holder = randomUUID();
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        // `retakeable` is an expression over the key's times, typed by hand.
        const [row] = await queryRows<KeyRow & { retakeable: boolean }>(
          db,
          sql`SELECT request_hash, response_status, response_body, order_id,
                     (expires_at <= now() OR (response_status IS NULL AND locked_until <= now())) AS retakeable
              FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`,
        );
        if (!row) {
          const inserted = await queryRows(
            db,
            sql`INSERT INTO idempotency_keys (scope, key, request_hash, holder, locked_until, expires_at)
                VALUES (${scope}, ${key}, ${hash}, ${holder}, now() + make_interval(secs => ${lease}),
                        now() + make_interval(secs => ${ttl}))
                ON CONFLICT DO NOTHING RETURNING key`,
          );
          if (inserted.length > 0) return { kind: 'claimed', holder };
          continue; // another request claimed it first: read what it holds
        }
        const expired = row.retakeable && row.response_status !== null;
        if (!expired && row.request_hash !== hash) {
          throw new Conflict(
            'idempotency_key_reused',
            'This Idempotency-Key was used for a different request; use a new key for a new order.',
          );
        }
        if (!expired && row.response_status !== null) {
          return {
            kind: 'replay',
            answer: { status: row.response_status, body: row.response_body, orderId: row.order_id },
          };
        }
        if (row.retakeable) {
          // An expired key, or a holder presumed dead; a row being written right now is skipped.
          const retaken = await queryRows(
            db,
            sql`UPDATE idempotency_keys k
                SET request_hash = ${hash}, holder = ${holder},
                    locked_until = now() + make_interval(secs => ${lease}),
                    expires_at = now() + make_interval(secs => ${ttl}), created_at = now(),
                    response_status = NULL, response_body = NULL, order_id = NULL
                FROM (SELECT scope, key FROM idempotency_keys
                      WHERE scope = ${scope} AND key = ${key}
                        AND (expires_at <= now()
                             OR (response_status IS NULL AND locked_until <= now() AND request_hash = ${hash}))
                      FOR UPDATE SKIP LOCKED) AS free
                WHERE k.scope = free.scope AND k.key = free.key
                RETURNING k.key`,
          );
          if (retaken.length > 0) return { kind: 'claimed', holder };
        }
        if (Date.now() > deadline) {
          throw new Conflict(
            'idempotency_key_in_use',
            'A request with this Idempotency-Key is still being processed; retry shortly.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },

    /**
     * Store the answer, in the transaction that makes the order, so both commit or neither does. If
     * this request no longer holds the claim (its lease ran out and another took over), it throws,
     * and the order it was about to make rolls back: one key, one order.
     */
    async complete(
      tx: Queryable,
      scope: string,
      key: string,
      holder: string,
      answer: StoredAnswer,
    ): Promise<void> {
      const stored = await queryRows(
        tx,
        sql`UPDATE idempotency_keys
            SET response_status = ${answer.status}, response_body = ${JSON.stringify(answer.body)}::jsonb,
                order_id = ${answer.orderId}, locked_until = NULL
            WHERE scope = ${scope} AND key = ${key} AND holder = ${holder} AND response_status IS NULL
            RETURNING key`,
      );
      if (stored.length === 0) {
        throw new Conflict(
          'idempotency_key_in_use',
          'Another request took over this Idempotency-Key; retry to get its answer.',
        );
      }
    },

    /** The request failed before anything was stored: the key may be used again. */
    async abandon(scope: string, key: string, holder: string): Promise<void> {
      await db.execute(sql`DELETE FROM idempotency_keys
                           WHERE scope = ${scope} AND key = ${key} AND holder = ${holder}
                             AND response_status IS NULL`);
    },

    /** Forget expired keys (a worker job). */
    async purgeExpired(): Promise<number> {
      const rows = await queryRows(
        db,
        sql`DELETE FROM idempotency_keys WHERE expires_at <= now() RETURNING key`,
      );
      return rows.length;
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
