/**
 * The accounts module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { accountsModule } from './module.js';
export type { AccountService } from './service.js';
export type { AddressBook } from './addresses.js';
export { passwordChanged, passwordResetRequested, userRegistered } from './events.js';
export { ensureAdmin } from './bootstrap.js';
/** Password-reset links: the notifications module issues them in its emails. */
export { createResetTokens, resetTokenKey } from './reset-links.js';
/** Shapes other modules' routes reuse (an order's address, an admin's view of its customer). */
export { addressBody, addressSchema, email, userSchema } from './schemas.js';
