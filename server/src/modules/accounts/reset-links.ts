import { createHmac } from 'node:crypto';
import type { Config } from '../../platform/config.js';
import { derivedSecret } from '../../platform/secrets.js';

/**
 * The secret of a password reset link. The email that carries the link is asked for through the
 * outbox (which the store team reads at /admin/events and the bus carries to the worker) and kept
 * in the email log (/admin/notifications), so neither may hold the secret. The event names a
 * random reset id instead, and the token is an HMAC of that id under a key of its own: the accounts
 * module computes it to store its SHA-256, and the email renderer computes it again for the one
 * copy that goes to the mail server.
 */
export function createResetTokens(key: string) {
  return {
    issue: (resetId: string) =>
      createHmac('sha256', key).update(`password-reset:${resetId}`).digest('base64url'),
  };
}
export type ResetTokens = ReturnType<typeof createResetTokens>;

/** The key every process of one store derives alike, and used for nothing else. */
export const resetTokenKey = (config: Pick<Config, 'JWT_SECRET' | 'DATA_DIR'>) =>
  derivedSecret(config, 'password-reset-links');
