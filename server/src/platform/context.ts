import type { Db, Tx } from './db/index.js';

/**
 * Who is acting and in which transaction. Every service method takes a context first: a route builds
 * one from the verified token, a consumer or job builds a system one. A method that writes joins
 * `ctx.tx` when the caller has opened a transaction (placing an order spans catalog, inventory,
 * pricing and orders in one), and opens its own otherwise (`inTransaction`).
 */
export const roles = ['customer', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Always taken from a verified token, never from a request body. */
export interface Actor {
  id: string;
  role: Role;
  sessionId: string;
}

export interface Context {
  readonly actor: Actor | null;
  /** The open transaction to join, if any. */
  readonly tx?: Tx;
  /**
   * Run `effect` once the outermost transaction has committed (a cache to retire, say); never if it
   * rolls back. Outside a transaction it runs at once.
   */
  readonly afterCommit?: (effect: () => Promise<unknown>) => void;
}

export interface TxContext extends Context {
  readonly tx: Tx;
  readonly afterCommit: (effect: () => Promise<unknown>) => void;
}

/** A guest, or a worker acting for the store. */
export const anonymous: Context = { actor: null };

export const contextFor = (actor: Actor | null): Context => ({ actor });

/**
 * Join the caller's transaction, or open one. Effects registered with `afterCommit` run after the
 * outermost commit; their failures are reported, not thrown: the change has already happened.
 */
export async function inTransaction<T>(
  db: Db,
  ctx: Context,
  work: (ctx: TxContext) => Promise<T>,
  onEffectError: (error: unknown) => void = () => {},
): Promise<T> {
  if (ctx.tx && ctx.afterCommit) return work(ctx as TxContext);
  const effects: (() => Promise<unknown>)[] = [];
  const result = await db.transaction((tx) =>
    work({ ...ctx, tx, afterCommit: (effect) => void effects.push(effect) }),
  );
  const outcomes = await Promise.allSettled(effects.map((effect) => effect()));
  for (const outcome of outcomes) if (outcome.status === 'rejected') onEffectError(outcome.reason);
  return result;
}

/** Run `effect` after the context's transaction commits, or now when there is none. */
export function afterCommit(ctx: Context, effect: () => Promise<unknown>): Promise<void> {
  if (ctx.afterCommit) {
    ctx.afterCommit(effect);
    return Promise.resolve();
  }
  return effect().then(() => undefined);
}
