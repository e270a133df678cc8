import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/harness.js';
import {
  accountsKit,
  bearer,
  strongPassword,
  type AuthResult,
} from '../../../test/kits/accounts.js';

describeEachBackend('accounts: sign out everywhere on %s backends', (backend) => {
  const { post, get, register } = accountsKit(backend);

  const signIn = async (email: string) => {
    const response = await post('/auth/login', { email, password: strongPassword });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as AuthResult;
  };

  it('ends every session of the account, the calling one included, at once', async () => {
    const laptop = await register();
    const phone = await signIn(laptop.email);
    const stranger = await register();

    const response = await post('/auth/logout-all', undefined, bearer(laptop.accessToken));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    // The browser that asked forgets its refresh token too.
    expect(response.cookies.find((c) => c.name === 'stride_refresh')).toMatchObject({
      value: '',
      path: '/api/v1/auth',
    });

    // The calling session's access token is refused now, not when it expires.
    expect((await get('/me', laptop.accessToken)).statusCode).toBe(401);
    // The other session: its refresh token no longer works, nor its access token.
    expect((await post('/auth/refresh', { refreshToken: phone.refreshToken })).statusCode).toBe(
      401,
    );
    expect((await get('/me', phone.accessToken)).statusCode).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: laptop.refreshToken })).statusCode).toBe(
      401,
    );

    // Another account is untouched, and the owner can sign in again.
    expect((await get('/me', stranger.accessToken)).statusCode).toBe(200);
    const again = await signIn(laptop.email);
    expect((await get('/me', again.accessToken)).statusCode).toBe(200);
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await post('/auth/logout-all');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ status: 401 });

    // A session already ended cannot end the others.
    const { email, accessToken } = await register();
    const other = await signIn(email);
    await post('/auth/logout', undefined, bearer(accessToken));
    expect((await post('/auth/logout-all', undefined, bearer(accessToken))).statusCode).toBe(401);
    expect((await get('/me', other.accessToken)).statusCode).toBe(200);
  });
});
