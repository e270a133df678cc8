import { z } from 'zod';
import { emailPattern } from '../../lib/forms';

const minPasswordLength = 10;
const maxPasswordLength = 128;

/** The checks the sign-in and sign-up forms make before sending; the API makes them again. */
const email = z
  .string()
  .trim()
  .min(1, 'Enter your email address.')
  .regex(emailPattern, 'Enter an email address like name@example.com.');

const name = (what: string) =>
  z.string().trim().min(1, `Enter your ${what}.`).max(100, 'Use at most 100 characters.');

export const signInSchema = z.object({
  email,
  // Passwords are sent as typed: spaces may be part of a passphrase.
  password: z.string().min(1, 'Enter your password.'),
});

/** What the API enforces for a new password (server/src/modules/accounts/password-policy.ts). */
const newPassword = z
  .string()
  .min(minPasswordLength, `Use at least ${minPasswordLength} characters.`)
  .max(maxPasswordLength, `Use at most ${maxPasswordLength} characters.`);

export const signUpSchema = z.object({
  firstName: name('first name'),
  lastName: name('last name'),
  email,
  password: newPassword,
});

/** The first thing wrong with a new password, for the forms that check it by hand. */
export const newPasswordProblem = (password: string): string | undefined =>
  newPassword.safeParse(password).error?.issues[0]?.message;

export type SignInField = keyof z.input<typeof signInSchema>;
export type SignUpField = keyof z.input<typeof signUpSchema>;
