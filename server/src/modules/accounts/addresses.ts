import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { inTransaction, type Actor, type Context } from '../../platform/context.js';
import { Conflict, Unauthenticated } from '../../platform/errors.js';
import { ownOnly } from './ownership.js';
import type { Address, AddressInput, AddressPatch } from './schemas.js';
import type { Row } from '../../platform/db/rows.js';
import type { addresses } from './tables.js';

/** A whole address (`SELECT *`, `RETURNING *`). */
type AddressRow = Row<typeof addresses>;

const toAddress = (row: AddressRow): Address => ({
  id: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  line1: row.line1,
  line2: row.line2,
  city: row.city,
  region: row.region,
  postalCode: row.postal_code,
  country: row.country,
  phone: row.phone,
  isDefaultShipping: row.is_default_shipping,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

function signedIn(ctx: Context): Actor {
  if (!ctx.actor) throw new Unauthenticated();
  return ctx.actor;
}

/** A user keeps a bounded address book; more than this is a mistake or abuse. */
const maxAddresses = 20;

export function createAddressBook(deps: { db: Db }) {
  const { db } = deps;

  /**
   * The address, locked for change, if it is the actor's; 404 otherwise (never 403: no hint it exists).
   * The user's row is locked first, as in `create`, so changes to one address book run one at a time.
   */
  async function owned(tx: Queryable, actor: Actor, id: string): Promise<AddressRow> {
    await lockBook(tx, actor.id);
    const [row] = await queryRows<AddressRow>(
      tx,
      sql`SELECT * FROM addresses WHERE id = ${id}::uuid FOR UPDATE`,
    );
    return ownOnly(actor, row, row?.user_id);
  }

  async function lockBook(tx: Queryable, userId: string) {
    await tx.execute(sql`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`);
  }

  /** Making one address the default clears the previous one first (a partial unique index guards it). */
  async function clearDefault(tx: Queryable, userId: string) {
    await tx.execute(sql`UPDATE addresses SET is_default_shipping = false, updated_at = now()
                         WHERE user_id = ${userId}::uuid AND is_default_shipping`);
  }

  return {
    /** A customer's address book, for the store team (the route is admin-only). */
    async ofUser(_ctx: Context, userId: string): Promise<Address[]> {
      const rows = await queryRows<AddressRow>(
        db,
        sql`SELECT * FROM addresses WHERE user_id = ${userId}::uuid
            ORDER BY is_default_shipping DESC, created_at, id`,
      );
      return rows.map(toAddress);
    },

    async list(ctx: Context): Promise<Address[]> {
      const actor = signedIn(ctx);
      const rows = await queryRows<AddressRow>(
        db,
        sql`SELECT * FROM addresses WHERE user_id = ${actor.id}::uuid
            ORDER BY is_default_shipping DESC, created_at, id`,
      );
      return rows.map(toAddress);
    },

    async get(ctx: Context, id: string): Promise<Address> {
      const actor = signedIn(ctx);
      const [row] = await queryRows<AddressRow>(
        db,
        sql`SELECT * FROM addresses WHERE id = ${id}::uuid`,
      );
      return toAddress(ownOnly(actor, row, row?.user_id));
    },

    async create(ctx: Context, input: AddressInput): Promise<Address> {
      const actor = signedIn(ctx);
      return inTransaction(db, ctx, async ({ tx }) => {
        // Lock the user's row so concurrent creates count and pick the default one at a time.
        await lockBook(tx, actor.id);
        // An aggregate, typed by hand.
        const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
          tx,
          sql`SELECT count(*)::int AS n FROM addresses WHERE user_id = ${actor.id}::uuid`,
        );
        if (n >= maxAddresses) {
          throw new Conflict(
            'address_book_full',
            `An address book holds at most ${maxAddresses} addresses.`,
          );
        }
        // The first address becomes the default unless the client says otherwise.
        const isDefault = input.isDefaultShipping ?? n === 0;
        if (isDefault) await clearDefault(tx, actor.id);
        const [row] = await queryRows<AddressRow>(
          tx,
          sql`INSERT INTO addresses (user_id, first_name, last_name, line1, line2, city, region, postal_code, country, phone, is_default_shipping)
              VALUES (${actor.id}::uuid, ${input.firstName}, ${input.lastName}, ${input.line1}, ${input.line2 ?? null},
                      ${input.city}, ${input.region ?? null}, ${input.postalCode}, ${input.country}, ${input.phone ?? null}, ${isDefault})
              RETURNING *`,
        );
        return toAddress(row as AddressRow);
      });
    },

    async update(ctx: Context, id: string, patch: AddressPatch): Promise<Address> {
      const actor = signedIn(ctx);
      return inTransaction(db, ctx, async ({ tx }) => {
        const current = await owned(tx, actor, id);
        if (patch.isDefaultShipping) await clearDefault(tx, actor.id);
        const value = <K extends keyof AddressPatch>(key: K, fallback: unknown) =>
          patch[key] === undefined ? fallback : patch[key];
        const [row] = await queryRows<AddressRow>(
          tx,
          sql`UPDATE addresses SET
                first_name = ${value('firstName', current.first_name)},
                last_name = ${value('lastName', current.last_name)},
                line1 = ${value('line1', current.line1)},
                line2 = ${value('line2', current.line2)},
                city = ${value('city', current.city)},
                region = ${value('region', current.region)},
                postal_code = ${value('postalCode', current.postal_code)},
                country = ${value('country', current.country)},
                phone = ${value('phone', current.phone)},
                is_default_shipping = ${value('isDefaultShipping', current.is_default_shipping)},
                updated_at = now()
              WHERE id = ${id}::uuid RETURNING *`,
        );
        return toAddress(row as AddressRow);
      });
    },

    async remove(ctx: Context, id: string): Promise<void> {
      const actor = signedIn(ctx);
      await inTransaction(db, ctx, async ({ tx }) => {
        await owned(tx, actor, id);
        await tx.execute(sql`DELETE FROM addresses WHERE id = ${id}::uuid`);
      });
    },
  };
}

export type AddressBook = ReturnType<typeof createAddressBook>;
