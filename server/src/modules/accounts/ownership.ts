import type { Actor } from '../../platform/context.js';
import { NotFound } from '../../platform/errors.js';

/**
 * The one ownership rule every module applies (addresses now; carts and orders build on it): a
 * resource is visible to its owner and to administrators, and to anyone else it does not exist.
 * Answering 404 rather than 403 keeps one user from learning which ids another user has.
 */
export function ownedOrNotFound<T>(
  actor: Actor | null,
  resource: T | undefined,
  ownerId: string | null | undefined,
): T {
  if (resource === undefined || resource === null) throw new NotFound();
  if (!actor || (actor.id !== ownerId && actor.role !== 'admin')) throw new NotFound();
  return resource;
}

/** Like `ownedOrNotFound`, for the owner alone: even an administrator acts on their own account here. */
export function ownOnly<T>(
  actor: Actor,
  resource: T | undefined,
  ownerId: string | null | undefined,
): T {
  if (resource === undefined || resource === null || actor.id !== ownerId) throw new NotFound();
  return resource;
}
