import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend } from '../../../test/harness.js';
import { accountsKit, bearer, strongPassword, uniqueEmail } from '../../../test/kits/accounts.js';

describeEachBackend('accounts: profile and address book on %s backends', (backend) => {
  const { ctx, post, get, register } = accountsKit(backend);

  describe('profile and address book', () => {
    const address = {
      firstName: 'Ada',
      lastName: 'Runner',
      line1: '1 Track Lane',
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      country: 'us',
    };

    it('reads and changes the profile, and rejects mass assignment', async () => {
      const { accessToken, user } = await register();
      const patched = await ctx.store.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: bearer(accessToken),
        payload: { firstName: 'Grace' },
      });
      expect(patched.json()).toMatchObject({
        firstName: 'Grace',
        lastName: 'Runner',
        role: 'customer',
      });
      for (const payload of [
        { role: 'admin' },
        { id: randomBytes(4).toString('hex') },
        { passwordHash: 'x' },
        { firstName: 'X', role: 'admin' },
      ]) {
        const response = await ctx.store.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          headers: bearer(accessToken),
          payload,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
      const register2 = await post('/auth/register', {
        email: uniqueEmail(),
        password: strongPassword,
        firstName: 'A',
        lastName: 'B',
        role: 'admin',
      });
      expect(register2.statusCode).toBe(400);
      const [row] = await queryRows<{ role: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT role FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.role).toBe('customer');
    });

    it('keeps one default shipping address and full CRUD for the owner', async () => {
      const { accessToken } = await register();
      const headers = bearer(accessToken);
      const first = (await post('/me/addresses', address, headers)).json();
      expect(first).toMatchObject({ country: 'US', isDefaultShipping: true });
      const second = (
        await post(
          '/me/addresses',
          { ...address, line1: '2 Field Road', isDefaultShipping: true },
          headers,
        )
      ).json();
      const list = (await get('/me/addresses', accessToken)).json().items as {
        id: string;
        isDefaultShipping: boolean;
      }[];
      expect(list.map((a) => [a.id, a.isDefaultShipping])).toEqual([
        [second.id, true],
        [first.id, false],
      ]);
      const updated = await ctx.store.app.inject({
        method: 'PATCH',
        url: `/api/v1/me/addresses/${first.id}`,
        headers,
        payload: { city: 'Eugene' },
      });
      expect(updated.json()).toMatchObject({ city: 'Eugene', line1: '1 Track Lane' });
      expect(
        (
          await ctx.store.app.inject({
            method: 'DELETE',
            url: `/api/v1/me/addresses/${first.id}`,
            headers,
          })
        ).statusCode,
      ).toBe(204);
      expect((await get(`/me/addresses/${first.id}`, accessToken)).statusCode).toBe(404);
    });

    it('never lets a second user read, change or delete the first user’s address', async () => {
      const owner = await register();
      const intruder = await register();
      const created = (await post('/me/addresses', address, bearer(owner.accessToken))).json();
      const url = `/api/v1/me/addresses/${created.id}`;
      expect(
        (await ctx.store.app.inject({ method: 'GET', url, headers: bearer(intruder.accessToken) }))
          .statusCode,
      ).toBe(404);
      const patch = await ctx.store.app.inject({
        method: 'PATCH',
        url,
        headers: bearer(intruder.accessToken),
        payload: { city: 'Nowhere' },
      });
      expect(patch.statusCode).toBe(404);
      expect(
        (
          await ctx.store.app.inject({
            method: 'DELETE',
            url,
            headers: bearer(intruder.accessToken),
          })
        ).statusCode,
      ).toBe(404);
      expect((await get('/me/addresses', intruder.accessToken)).json().items).toEqual([]);
      expect((await get(`/me/addresses/${created.id}`, owner.accessToken)).json()).toMatchObject({
        city: 'Portland',
      });
    });

    it('rejects unknown fields and wrong types in an address', async () => {
      const { accessToken } = await register();
      for (const [payload, code] of [
        [{ ...address, userId: randomBytes(4).toString('hex') }, 'validation_failed'],
        [{ ...address, country: 'USA' }, 'unknown_country'],
        [{ ...address, postalCode: 97201 }, 'validation_failed'],
      ] as const) {
        const response = await post('/me/addresses', payload, bearer(accessToken));
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code });
      }
    });
  });
});
