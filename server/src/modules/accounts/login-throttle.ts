import { sql } from 'drizzle-orm';
import type { Cache } from '../../platform/cache/port.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { RateLimited } from '../../platform/errors.js';

/**
 * How sign-in guessing is slowed without handing anyone a way to lock an owner out (after OWASP's
 * Authentication and Credential Stuffing cheat sheets; the numbers are in docs/security.md):
 *
 * 1. Per account and address: `perAddressLimit` attempts in 15 minutes, then that address waits
 *    out the window for that account. It blocks nobody else: the owner elsewhere is not affected.
 * 2. Per account, from addresses that have never signed in to it: after `accountThrottleAfter`
 *    attempts in an hour, only one attempt per growing delay (1 s, 2 s, 4 s … up to 5 minutes) is
 *    let through, whichever address sends it. A botnet spread over many addresses gets a handful of
 *    guesses an hour instead of thousands, and nothing is locked for good.
 * 3. Let through regardless of (2): an address that has signed in to the account before, and the
 *    address that completed a password reset for it. The owner gets in while an attack goes on.
 *
 * Attempts are counted before the password is checked, so parallel guesses cannot slip past while
 * argon2 runs. A successful sign-in clears its address's counter; a completed reset clears them all.
 */
export interface LoginThrottleOptions {
  db: Db;
  cache: Cache;
  perAddressLimit: number;
  accountThrottleAfter: number;
}

const perAddressWindowSeconds = 15 * 60;
const accountWindowSeconds = 60 * 60;
const maxDelaySeconds = 5 * 60;
const knownAddressSeconds = 90 * 24 * 3600;

const keys = (email: string, ip: string) => ({
  fromHere: `auth:login-attempts:${email}:${ip}`,
  account: `auth:login-new-address-attempts:${email}`,
  slot: `auth:login-slot:${email}`,
});
const resetAddressKey = (userId: string, ip: string) => `auth:login-reset-address:${userId}:${ip}`;

export function createLoginThrottle(options: LoginThrottleOptions) {
  const { db, cache } = options;

  async function knownAddress(userId: string, ip: string): Promise<boolean> {
    if (await cache.get(resetAddressKey(userId, ip))) return true;
    const rows = await queryRows(
      db,
      sql`SELECT 1 FROM sessions WHERE user_id = ${userId}::uuid AND ip = ${ip} LIMIT 1`,
    );
    return rows.length > 0;
  }

  return {
    /** Before the password is checked: throws RateLimited when this attempt must wait. */
    async admit(email: string, ip: string, userId: string | null): Promise<void> {
      const { fromHere, account, slot } = keys(email, ip);
      if ((await cache.incr(fromHere, perAddressWindowSeconds)) > options.perAddressLimit) {
        throw new RateLimited(
          perAddressWindowSeconds,
          'Too many failed sign-ins for this account from this address; try again later or reset the password.',
        );
      }
      if (userId && (await knownAddress(userId, ip))) return;
      const attempts = await cache.incr(account, accountWindowSeconds);
      if (attempts <= options.accountThrottleAfter) return;
      const delay = Math.min(maxDelaySeconds, 2 ** (attempts - options.accountThrottleAfter - 1));
      // One attempt per delay for the whole account: the first to take the slot goes through.
      if ((await cache.incr(slot, delay)) > 1) {
        throw new RateLimited(
          delay,
          'This account has had many failed sign-ins from new addresses; wait a moment, sign in from a device you used before, or reset the password.',
        );
      }
    },

    /** A successful sign-in: its address starts afresh. */
    async succeeded(email: string, ip: string): Promise<void> {
      await cache.del(keys(email, ip).fromHere);
    },

    /** A completed password reset: the account's counters go, and the resetting address is known. */
    async passwordReset(email: string, userId: string, ip: string | undefined): Promise<void> {
      const { account, slot } = keys(email, ip ?? 'unknown');
      await cache.del(account, slot);
      if (ip) {
        await cache.del(keys(email, ip).fromHere);
        await cache.set(resetAddressKey(userId, ip), '1', knownAddressSeconds);
      }
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
