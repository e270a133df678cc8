import { readFileSync } from 'node:fs';
import type { FieldProblem } from '../../platform/errors.js';

export const minPasswordLength = 10;
/** Long enough for any passphrase, short enough that hashing one cannot be used to burn CPU. */
export const maxPasswordLength = 128;

const commonPasswords = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line && !line.startsWith('#')),
);

/**
 * What a new password must satisfy (NIST SP 800-63B): a minimum length, not a known common password,
 * not built from the account's own email. No composition rules: they make passwords worse, not better.
 */
export function passwordProblems(password: string, email: string, path: string): FieldProblem[] {
  const lowered = password.toLowerCase();
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (password.length < minPasswordLength) {
    return [{ path, message: `must be at least ${minPasswordLength} characters` }];
  }
  if (password.length > maxPasswordLength) {
    return [{ path, message: `must be at most ${maxPasswordLength} characters` }];
  }
  if (commonPasswords.has(lowered) || /^(.)\1+$/.test(password)) {
    return [{ path, message: 'is too common; choose a less guessable password' }];
  }
  if (local.length >= 4 && lowered.includes(local)) {
    return [{ path, message: 'must not contain your email address' }];
  }
  return [];
}
