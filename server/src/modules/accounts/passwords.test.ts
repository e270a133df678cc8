import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import {
  accountsKit,
  bearer,
  strongPassword,
  uniqueEmail,
  sha256,
  type AuthResult,
} from '../../../test/kits/accounts.js';

describeEachBackend('accounts: password change and reset on %s backends', (backend) => {
  const { ctx, post, get, register, resetEmails, tokenOf } = accountsKit(backend);

  describe('passwords', () => {
    it('changes the password with the current one and ends the other sessions', async () => {
      const { email, accessToken } = await register();
      const other = (
        await post('/auth/login', { email, password: strongPassword })
      ).json() as AuthResult;
      const wrong = await post(
        '/me/password',
        { currentPassword: 'not my password!', newPassword: 'a brand new passphrase' },
        bearer(accessToken),
      );
      expect(wrong.statusCode).toBe(403);
      const changed = await post(
        '/me/password',
        { currentPassword: strongPassword, newPassword: 'a brand new passphrase' },
        bearer(accessToken),
      );
      expect(changed.statusCode).toBe(204);
      expect((await get('/me', accessToken)).statusCode).toBe(200);
      expect((await get('/me', other.accessToken)).statusCode).toBe(401);
      expect((await post('/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(
        401,
      );
      expect((await post('/auth/login', { email, password: strongPassword })).statusCode).toBe(401);
      expect(
        (await post('/auth/login', { email, password: 'a brand new passphrase' })).statusCode,
      ).toBe(200);
    });

    it('resets a password by a one-time emailed token, without revealing accounts', async () => {
      const { email, accessToken, refreshToken, user } = await register();
      const unknown = await post('/auth/password-reset', { email: uniqueEmail() });
      const known = await post('/auth/password-reset', { email: `  ${email.toUpperCase()}` });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.body).toBe(unknown.body);
      // 202 Accepted with no body at all, not the four bytes `null`.
      expect(known.body).toBe('');
      expect(known.headers['content-type']).toBeUndefined();

      await eventually(async () => (await resetEmails(email)).length === 1);
      const [event] = await resetEmails(email);
      expect(event?.payload.template).toBe('password_reset');
      const token = tokenOf(event?.payload.data.resetId as string);
      const [stored] = await queryRows<{ token_hash: string; expires_in: number }>(
        ctx.store.adapters.database.db,
        sql`SELECT token_hash, extract(epoch FROM expires_at - created_at)::int AS expires_in
            FROM password_resets WHERE user_id = ${user.id}::uuid`,
      );
      expect(stored?.token_hash).toBe(sha256(token));
      expect(stored?.expires_in).toBe(30 * 60);

      const confirmed = await post('/auth/password-reset/confirm', {
        token,
        password: 'reset passphrase here',
      });
      expect(confirmed.statusCode).toBe(204);
      expect((await get('/me', accessToken)).statusCode).toBe(401);
      expect((await post('/auth/refresh', { refreshToken })).statusCode).toBe(401);
      expect(
        (
          await post('/auth/password-reset/confirm', { token, password: 'another passphrase!' })
        ).json(),
      ).toMatchObject({
        code: 'invalid_token',
      });
      expect(
        (await post('/auth/login', { email, password: 'reset passphrase here' })).statusCode,
      ).toBe(200);
    });

    it('sends a few reset emails an hour at most, and a password change voids an open link', async () => {
      const { email, accessToken, user } = await register();
      for (let i = 0; i < 6; i++)
        expect((await post('/auth/password-reset', { email })).statusCode).toBe(202);
      await ctx.worker.relay.drain();
      await eventually(async () => {
        const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
          ctx.store.adapters.database.db,
          // This account's six requests, not whatever other tests of the file asked for.
          sql`SELECT count(*)::int AS n FROM inbox i JOIN outbox o ON o.id = i.message_id
              WHERE i.consumer = 'accounts-password-reset' AND o.payload->>'email' = ${email}`,
        );
        return n >= 6;
      });
      const emails = await resetEmails(email);
      expect(emails).toHaveLength(3);
      const tokens = emails.map((e) => tokenOf(e.payload.data.resetId));
      // The worker handles the requests side by side, so the order the events were written in
      // need not be the order their links were issued in: the live link is the one the database
      // still holds open, and it must be exactly one of the three.
      const open = await queryRows<{ token_hash: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT token_hash FROM password_resets WHERE user_id = ${user.id}::uuid AND used_at IS NULL`,
      );
      expect(open).toHaveLength(1);
      const latest = tokens.find((t) => sha256(t) === open[0]?.token_hash) as string;
      expect(latest).toBeDefined();
      const earlier = tokens.filter((t) => t !== latest);
      expect(earlier).toHaveLength(2);
      for (const token of earlier)
        expect(
          (
            await post('/auth/password-reset/confirm', {
              token,
              password: 'reset passphrase here',
            })
          ).statusCode,
        ).toBe(400);

      const changed = await post(
        '/me/password',
        { currentPassword: strongPassword, newPassword: 'changed passphrase!' },
        bearer(accessToken),
      );
      expect(changed.statusCode).toBe(204);
      const stale = await post('/auth/password-reset/confirm', {
        token: latest,
        password: 'reset passphrase here',
      });
      expect(stale.statusCode).toBe(400);
      expect(stale.json()).toMatchObject({ code: 'invalid_token' });
    });
  });
});
