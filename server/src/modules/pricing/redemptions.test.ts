import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, openTestAdapters } from '../../../test/harness.js';
import { migrateBefore } from '../../../test/migrations.js';
import { mailboxKey } from './mailbox-key.js';
import { discountKit } from './test-kit.js';

/** One use per customer: the customer is their mailbox (however its address is written) or account. */
describeEachBackend('one use per customer on %s backends', (backend) => {
  const kit = discountKit(backend);
  const { placeOrder, register } = kit;
  const { createDiscount, discountNow, pricedCart, applyCode, expectRefused, orderWithCode } = kit;

  /** `first` uses a new code; each address of `same` is refused it, each of `others` gets it. */
  async function oneUsePerMailbox(first: string, same: string[], others: string[] = []) {
    const made = await createDiscount({});
    expect((await orderWithCode(made.code, first)).response.statusCode).toBe(201);
    for (const email of same) {
      expectRefused((await orderWithCode(made.code, email)).response, 'already_used');
    }
    for (const email of others) {
      expect((await orderWithCode(made.code, email)).response.statusCode, email).toBe(201);
    }
    expect((await discountNow(made.id)).timesUsed).toBe(1 + others.length);
  }

  it('knows a mailbox by its address in any case, with or without a plus tag', () =>
    oneUsePerMailbox(
      'alice.runner@example.com',
      [
        'alice.runner+1@example.com',
        'Alice.Runner+spring-sale@EXAMPLE.com',
        'ALICE.RUNNER@example.com',
      ],
      // Elsewhere a dot is part of the address: another mailbox.
      ['alicerunner@example.com'],
    ));

  it('ignores dots at Gmail, where googlemail.com is the same mailbox', () =>
    oneUsePerMailbox('alice.runner@gmail.com', [
      'alicerunner@gmail.com',
      'a.l.i.c.e.r.u.n.n.e.r@gmail.com',
      'alice.runner+2@googlemail.com',
      'AliceRunner@GoogleMail.com',
    ]));

  it('knows an account by its id and its mailbox, signed in or not', async () => {
    const made = await createDiscount({});
    const sam = await register(`sam.sprinter.${randomUUID().slice(0, 8)}@gmail.com`);
    const { cartId } = await pricedCart(3_000, 1, sam.headers);
    expect((await applyCode(cartId, made.code, sam.headers)).statusCode).toBe(200);
    expect((await placeOrder(cartId, { email: sam.email }, sam.headers)).statusCode).toBe(201);
    // As a guest, with a variant of the account's address.
    const variant = sam.email.replace('sam.sprinter.', 'samsprinter').replace('@', '+x@');
    expectRefused((await orderWithCode(made.code, variant)).response, 'already_used');
    // Signed in, with an address of another mailbox altogether.
    const { cartId: own } = await pricedCart(3_000, 1, sam.headers);
    expectRefused(await applyCode(own, made.code, sam.headers), 'already_used');
  });

  it('lets exactly one of racing orders from one mailbox’s variants take its use', async () => {
    const made = await createDiscount({});
    const emails = [
      'racer@gmail.com',
      'r.a.c.e.r@gmail.com',
      'racer+2@googlemail.com',
      'RACER+x@gmail.com',
    ];
    const carts = [];
    for (let i = 0; i < emails.length; i++) carts.push(await pricedCart(2_000));
    for (const c of carts) expect((await applyCode(c.cartId, made.code)).statusCode).toBe(200);
    const answers = await Promise.all(
      carts.map((c, i) => placeOrder(c.cartId, { email: emails[i] })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.statusCode === 422)) {
      expect(refused.json()).toMatchObject({ code: 'invalid_discount', reason: 'already_used' });
    }
    expect((await discountNow(made.id)).timesUsed).toBe(1);
  });
});

describe('the mailbox key', () => {
  it.each([
    ['Alice.Runner@Example.com', 'alice.runner@example.com'],
    ['alice.runner+promo+2@example.com', 'alice.runner@example.com'],
    ['a.l.i.c.e+x@gmail.com', 'alice@gmail.com'],
    ['Alice.Runner@googlemail.com', 'alicerunner@gmail.com'],
    ['alice.runner@mail.gmail.com', 'alice.runner@mail.gmail.com'],
    ['+tag@example.com', '@example.com'],
  ])('%s is %s', (email, key) => expect(mailboxKey(email)).toBe(key));
});

describeEachBackend('redemptions recorded before mailbox keys, on %s backends', (backend) => {
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;
  const emails = [
    'Alice.Runner@Example.com',
    'alice.runner+promo+2@example.com',
    'a.l.i.c.e+x@gmail.com',
    'Alice.Runner@googlemail.com',
    'alice.runner@mail.gmail.com',
    'bob@example.org',
  ];
  const rowsOf = (discountId: string) =>
    queryRows<{ email: string; email_key: string | null }>(
      adapters.database.db,
      sql`SELECT email, email_key FROM discount_redemptions
          WHERE discount_id = ${discountId}::uuid ORDER BY created_at, id`,
    );
  let first: string;
  let second: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(backend);
    await migrateBefore(adapters.database, '0020_discount_mailbox_keys');
    const discount = async (code: string) =>
      (
        await queryRows<{ id: string }>(
          adapters.database.db,
          sql`INSERT INTO discounts (code, kind, value) VALUES (${code}, 'percent', 10) RETURNING id`,
        )
      )[0]?.id as string;
    first = await discount('ONE');
    second = await discount('TWO');
    // Variants of one mailbox could each redeem a code before: the first of them keeps the use.
    for (const [discountId, list] of [
      [first, emails],
      [second, ['alice.runner@gmail.com', 'alicerunner+x@gmail.com']],
    ] as const) {
      for (const [i, email] of list.entries()) {
        await adapters.database.db.execute(
          sql`INSERT INTO discount_redemptions (discount_id, order_id, email, created_at)
              VALUES (${discountId}::uuid, ${randomUUID()}::uuid, ${email},
                      now() - make_interval(mins => ${100 - i}))`,
        );
      }
    }
    await adapters.database.migrate();
  });
  afterAll(() => adapters?.dispose());

  it('keys each row by its mailbox, as the store does', async () => {
    const rows = await rowsOf(first);
    expect(rows.map((row) => row.email)).toEqual(emails);
    // The first two are one mailbox: the later one is left unkeyed, the earlier holds the use.
    expect(rows.map((row) => row.email_key)).toEqual([
      mailboxKey(emails[0] as string),
      null,
      ...emails.slice(2).map(mailboxKey),
    ]);
    expect((await rowsOf(second)).map((row) => row.email_key)).toEqual([
      'alicerunner@gmail.com',
      null,
    ]);
  });

  it('refuses a second row for a mailbox that holds a use', async () => {
    await expect(
      adapters.database.db.execute(
        sql`INSERT INTO discount_redemptions (discount_id, order_id, email, email_key)
            VALUES (${second}::uuid, ${randomUUID()}::uuid, 'a.liceRunner@gmail.com', 'alicerunner@gmail.com')`,
      ),
    ).rejects.toThrow();
  });
});
