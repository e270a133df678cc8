import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/index.js';
import { hashPassword } from './passwords.js';
import type { Row } from '../../platform/db/rows.js';
import type { users } from './tables.js';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Make sure the first administrator exists. An existing admin keeps its password (an operator may
 * have changed it). A customer account with that email is never promoted: whoever registered it
 * would become an administrator with their own password.
 */
export async function ensureAdmin(
  db: Db,
  email: string,
  password: string,
): Promise<'created' | 'exists' | 'taken_by_customer'> {
  const normalised = normaliseEmail(email);
  const [existing] = await queryRows<Row<typeof users, 'role'>>(
    db,
    sql`SELECT role FROM users WHERE lower(email) = ${normalised}`,
  );
  if (existing) return existing.role === 'admin' ? 'exists' : 'taken_by_customer';
  const passwordHash = await hashPassword(password);
  const inserted = await queryRows(
    db,
    sql`INSERT INTO users (email, password_hash, first_name, last_name, role)
        VALUES (${normalised}, ${passwordHash}, 'Store', 'Admin', 'admin')
        ON CONFLICT DO NOTHING RETURNING id`,
  );
  // Lost a race with another process starting at the same moment: theirs is the admin.
  return inserted.length > 0 ? 'created' : 'exists';
}
