import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/index.js';
import { hashPassword } from './passwords.js';
import { users } from './tables.js';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Make sure the first administrator exists. An existing account with that email keeps its password
 * (an operator may have changed it) but is given the admin role.
 */
export async function ensureAdmin(
  db: Db,
  email: string,
  password: string,
): Promise<'created' | 'exists'> {
  const normalised = normaliseEmail(email);
  const existing = await queryRows(
    db,
    sql`SELECT id FROM users WHERE lower(email) = ${normalised}`,
  );
  if (existing.length > 0) {
    await db.execute(
      sql`UPDATE users SET role = 'admin', updated_at = now() WHERE lower(email) = ${normalised}`,
    );
    return 'exists';
  }
  await db.insert(users).values({
    email: normalised,
    passwordHash: await hashPassword(password),
    firstName: 'Store',
    lastName: 'Admin',
    role: 'admin',
  });
  return 'created';
}
