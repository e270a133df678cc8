import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Cache } from '../../platform/cache/port.js';
import { Conflict, NotFound } from '../../platform/errors.js';

/**
 * Carts live in the cache (Redis in production), one JSON document per cart: they change often, are
 * worthless once abandoned, and expire on their own. Prices in the document are only what the shopper
 * last saw; every answer is re-priced from the catalog (`view.ts`).
 */
export interface CartLine {
  id: string;
  variantId: string;
  quantity: number;
  /** The unit price the shopper last saw for this line, to tell them when it changed. */
  seenUnitPrice: number;
  addedAt: string;
}

export interface CartDocument {
  id: string;
  userId: string | null;
  items: CartLine[];
  discountCode: string | null;
  /** Orders already taken out of this cart, newest last: taking one out again changes nothing. */
  orderedIds?: string[];
  createdAt: string;
  updatedAt: string;
}

const documentSchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      variantId: z.string(),
      quantity: z.number().int(),
      seenUnitPrice: z.number().int(),
      addedAt: z.string(),
    }),
  ),
  discountCode: z.string().nullable(),
  orderedIds: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * A fingerprint of a cart's exact contents. An order records the version it was placed from, so the
 * same contents cannot be ordered twice, and only a cart still holding them is emptied wholesale.
 */
export const versionOf = (doc: CartDocument) =>
  createHash('sha256').update(JSON.stringify(doc)).digest('base64url').slice(0, 32);

/** 24 random bytes: 192 bits, so a guest cart id cannot be guessed. */
export const cartIdPattern = /^c_[A-Za-z0-9_-]{32}$/;
export const lineIdPattern = /^l_[A-Za-z0-9_-]{16}$/;
export const newCartId = () => `c_${randomBytes(24).toString('base64url')}`;
export const newLineId = () => `l_${randomBytes(12).toString('base64url')}`;

export const userCartTtlSeconds = 30 * 24 * 60 * 60;
export const guestCartTtlSeconds = 7 * 24 * 60 * 60;
/** Enough for a burst of tabs or requests on one cart; more means something is hammering it. */
const maxAttempts = 20;

export const cartKey = (id: string) => `cart:${id}`;
export const userCartKey = (userId: string) => `cart:user:${userId}`;
const ttlOf = (doc: CartDocument) => (doc.userId ? userCartTtlSeconds : guestCartTtlSeconds);

const parse = (raw: string): CartDocument | null => {
  try {
    const parsed = documentSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Read → change → compare-and-set, so two tabs writing at once never lose each other's change. */
export function createCartStore(deps: { cache: Cache; now: () => Date }) {
  const { cache } = deps;
  const timestamp = () => deps.now().toISOString();

  async function read(id: string): Promise<{ raw: string; doc: CartDocument } | null> {
    // The format check keeps a crafted id (`user:…`) from reaching any other key.
    if (!cartIdPattern.test(id)) return null;
    const raw = await cache.get(cartKey(id));
    const doc = raw === null ? null : parse(raw);
    return raw !== null && doc?.id === id ? { raw, doc } : null;
  }

  /** Keep an active cart (and the user's pointer to it) alive for another full period. */
  async function renew(doc: CartDocument): Promise<void> {
    const ttl = ttlOf(doc);
    await Promise.all([
      cache.expire(cartKey(doc.id), ttl),
      doc.userId ? cache.expire(userCartKey(doc.userId), ttl) : null,
    ]);
  }

  return {
    read,
    renew,

    async load(id: string): Promise<CartDocument | null> {
      const found = await read(id);
      if (found) await renew(found.doc);
      return found?.doc ?? null;
    },

    async insert(userId: string | null): Promise<CartDocument> {
      const at = timestamp();
      const doc: CartDocument = {
        id: newCartId(),
        userId,
        items: [],
        discountCode: null,
        createdAt: at,
        updatedAt: at,
      };
      if (!(await cache.compareAndSet(cartKey(doc.id), null, JSON.stringify(doc), ttlOf(doc)))) {
        throw new Conflict('cart_busy', 'Could not create a cart; try again.');
      }
      return doc;
    },

    /**
     * Apply `change` to a fresh copy of the cart until the write lands on the version it read. `change`
     * may throw a domain error (nothing is written) and may run more than once, so it must only compute.
     * `allowed` decides from the stored cart whether the caller may touch it (else 404). When `change`
     * returns null, nothing is written and the cart is returned as it is.
     */
    async mutate(
      id: string,
      allowed: (doc: CartDocument) => boolean,
      change: (doc: CartDocument) => Promise<CartDocument | null> | CartDocument | null,
    ): Promise<CartDocument> {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const found = await read(id);
        if (!found || !allowed(found.doc)) throw new NotFound('No such cart.');
        const changed = await change(structuredClone(found.doc));
        if (changed === null) return found.doc;
        const next: CartDocument = { ...changed, id, updatedAt: timestamp() };
        if (await cache.compareAndSet(cartKey(id), found.raw, JSON.stringify(next), ttlOf(next))) {
          if (next.userId) await cache.expire(userCartKey(next.userId), ttlOf(next));
          return next;
        }
        // Lost the race: someone else wrote in between. A short random pause spreads out the retries.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
      }
      throw new Conflict('cart_busy', 'The cart is being changed elsewhere; try again.');
    },

    /**
     * Mark a cart as taken over by `userId` (a guest cart being merged), only if it is still exactly
     * `raw`. Returns an undo that puts it back when nothing has written it since.
     */
    async claim(doc: CartDocument, raw: string, userId: string) {
      const claimed = JSON.stringify({ ...doc, userId, updatedAt: timestamp() });
      const key = cartKey(doc.id);
      if (!(await cache.compareAndSet(key, raw, claimed, guestCartTtlSeconds))) return null;
      return {
        undo: () => cache.compareAndSet(key, claimed, raw, guestCartTtlSeconds),
        remove: () => cache.del(key),
      };
    },

    /** The id of the user's cart, as stored (it may point at a cart that has expired). */
    userCartId: (userId: string) => cache.get(userCartKey(userId)),

    /** Point the user at a cart only if the pointer is still `expected`; false when another won. */
    bindUser: (userId: string, expected: string | null, cartId: string) =>
      cache.compareAndSet(userCartKey(userId), expected, cartId, userCartTtlSeconds),

    remove: (id: string) => cache.del(cartKey(id)),
  };
}

export type CartStore = ReturnType<typeof createCartStore>;
