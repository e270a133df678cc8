import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextFor, type Actor } from '../../platform/context.js';
import { Unauthenticated } from '../../platform/errors.js';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses as problems } from '../../platform/http/problem.js';
import type { AddressBook } from './addresses.js';
import {
  addressBody,
  addressPatchBody,
  addressSchema,
  authResultSchema,
  changePasswordBody,
  idParams,
  loginBody,
  passwordResetBody,
  passwordResetConfirmBody,
  refreshBody,
  registerBody,
  updateProfileBody,
  userSchema,
} from './schemas.js';
import type { AccountService } from './service.js';

export interface AccountRouteOptions {
  accounts: AccountService;
  /** Always mark cookies Secure (production, or an https PUBLIC_URL), whatever Host a request names. */
  secureCookies: boolean;
  addresses: AddressBook;
  refreshTtlSeconds: number;
  /** Requests per minute per IP on each credential endpoint. */
  authRateLimit: number;
  /** Runs after a successful sign-in, e.g. to merge the guest cart the shopper brought along. */
  onSignedIn?: (actor: Actor, signIn: { cartId: string }) => Promise<unknown>;
}

const refreshCookie = 'stride_refresh';
const cookiePath = '/api/v1/auth';
const isLocal = (hostname: string) => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(hostname);

function sessionContext(request: FastifyRequest) {
  return { userAgent: request.headers['user-agent'], ip: request.ip };
}

/** The refresh cookie, parsed here only: cookies are not parsed on every request (see auth.ts). */
const refreshTokenCookie = (request: FastifyRequest): string | undefined =>
  request.server.parseCookie(request.headers.cookie ?? '')[refreshCookie];

/** Browsers keep the refresh token where scripts cannot read it; the body copy serves other clients. */
function setRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAge: number,
  alwaysSecure: boolean,
) {
  reply.setCookie(refreshCookie, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: alwaysSecure || !isLocal(request.hostname),
    path: cookiePath,
    maxAge,
  });
}

export async function accountRoutes(app: FastifyInstance, options: AccountRouteOptions) {
  const { accounts, addresses, refreshTtlSeconds } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const limited = {
    auth: 'public' as const,
    rateLimit: { max: options.authRateLimit, timeWindow: 60_000 },
  };
  const withRefreshCookie = (request: FastifyRequest, reply: FastifyReply, token: string) =>
    setRefreshCookie(request, reply, token, refreshTtlSeconds, options.secureCookies);
  const tags = ['auth'];

  typed.post(
    '/auth/register',
    {
      config: limited,
      schema: {
        operationId: 'register',
        tags,
        summary: 'Create a customer account and sign in',
        body: registerBody,
        response: { 201: authResultSchema, ...problems(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const result = await accounts.register(
        contextOf(request),
        request.body,
        sessionContext(request),
      );
      withRefreshCookie(request, reply, result.refreshToken);
      return reply.status(201).send(result);
    },
  );

  typed.post(
    '/auth/login',
    {
      config: limited,
      schema: {
        operationId: 'login',
        tags,
        summary: 'Sign in with email and password',
        description: 'Unknown email and wrong password get the same `invalid_credentials` answer.',
        body: loginBody,
        response: { 200: authResultSchema, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { email, password, cartId } = request.body;
      const { sessionId, ...result } = await accounts.login(
        contextOf(request),
        email,
        password,
        sessionContext(request),
      );
      if (cartId && options.onSignedIn) {
        const actor = { id: result.user.id, role: result.user.role, sessionId };
        // The sign-in has happened: a cart that cannot be merged must not undo it.
        await options.onSignedIn(actor, { cartId }).catch((err: unknown) => {
          request.log.warn({ err, cartId }, 'could not merge the guest cart at sign-in');
        });
      }
      withRefreshCookie(request, reply, result.refreshToken);
      return result;
    },
  );

  typed.post(
    '/auth/refresh',
    {
      config: limited,
      schema: {
        operationId: 'refreshTokens',
        tags,
        summary: 'Exchange a refresh token for a new token pair (rotation)',
        description: 'Each refresh token works once; presenting a used one ends the whole session.',
        body: refreshBody.nullish(),
        response: { 200: authResultSchema, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const token = request.body?.refreshToken ?? refreshTokenCookie(request);
      if (!token) throw new Unauthenticated('Send a refresh token.');
      const result = await accounts.refresh(contextOf(request), token);
      withRefreshCookie(request, reply, result.refreshToken);
      return result;
    },
  );

  typed.post(
    '/auth/logout',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'logout',
        tags,
        summary: 'End this session',
        description:
          'Identifies the session by the access token or, when that has expired, by the refresh token (body or cookie). Always clears the refresh cookie.',
        body: refreshBody.nullish(),
        response: { 204: z.null(), ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      reply.clearCookie(refreshCookie, { path: cookiePath });
      const token = request.body?.refreshToken ?? refreshTokenCookie(request);
      await accounts.logout(contextFor(await app.identify(request)), token);
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/auth/logout-all',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'logoutAll',
        tags,
        summary: 'End every session of your account, this one included',
        description:
          'For a lost device or a shared computer: every refresh token of the account stops working and every live access token, this one included, is refused at once. Clears the refresh cookie.',
        response: { 204: z.null(), ...problems(401) },
      },
    },
    async (request, reply) => {
      await accounts.logoutEverywhere(contextOf(request));
      reply.clearCookie(refreshCookie, { path: cookiePath });
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/auth/password-reset',
    {
      config: limited,
      schema: {
        operationId: 'requestPasswordReset',
        tags,
        summary: 'Email a one-time password reset link',
        description: 'Answers 202 whether or not the account exists.',
        body: passwordResetBody,
        response: { 202: z.null(), ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(contextOf(request), request.body.email);
      return reply.status(202).send(null);
    },
  );

  typed.post(
    '/auth/password-reset/confirm',
    {
      config: limited,
      schema: {
        operationId: 'confirmPasswordReset',
        tags,
        summary: 'Set a new password with a reset token; ends every session',
        body: passwordResetConfirmBody,
        response: { 204: z.null(), ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await accounts.confirmPasswordReset(
        contextOf(request),
        request.body.token,
        request.body.password,
        request.ip,
      );
      return reply.status(204).send(null);
    },
  );

  const me = ['account'];
  typed.get(
    '/me',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'getProfile',
        tags: me,
        summary: 'Your profile',
        response: { 200: userSchema, ...problems(401) },
      },
    },
    async (request) => accounts.profile(contextOf(request)),
  );

  typed.patch(
    '/me',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'updateProfile',
        tags: me,
        summary: 'Change your name',
        body: updateProfileBody,
        response: { 200: userSchema, ...problems(400, 401) },
      },
    },
    async (request) => accounts.updateProfile(contextOf(request), request.body),
  );

  typed.post(
    '/me/password',
    {
      config: { ...limited, auth: 'customer' },
      schema: {
        operationId: 'changePassword',
        tags: me,
        summary: 'Change your password; signs out your other sessions',
        body: changePasswordBody,
        response: { 204: z.null(), ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      await accounts.changePassword(
        contextOf(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/me/addresses',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'listAddresses',
        tags: me,
        summary: 'Your address book',
        response: { 200: z.object({ items: z.array(addressSchema) }), ...problems(401) },
      },
    },
    async (request) => ({ items: await addresses.list(contextOf(request)) }),
  );

  typed.post(
    '/me/addresses',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'createAddress',
        tags: me,
        summary: 'Add an address',
        body: addressBody,
        response: { 201: addressSchema, ...problems(400, 401, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addresses.create(contextOf(request), request.body)),
  );

  typed.get(
    '/me/addresses/:id',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'getAddress',
        tags: me,
        summary: 'One address',
        params: idParams,
        response: { 200: addressSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => addresses.get(contextOf(request), request.params.id),
  );

  typed.patch(
    '/me/addresses/:id',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'updateAddress',
        tags: me,
        summary: 'Change an address',
        params: idParams,
        body: addressPatchBody,
        response: { 200: addressSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => addresses.update(contextOf(request), request.params.id, request.body),
  );

  typed.delete(
    '/me/addresses/:id',
    {
      config: { auth: 'customer' },
      schema: {
        operationId: 'deleteAddress',
        tags: me,
        summary: 'Delete an address',
        params: idParams,
        response: { 204: z.null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await addresses.remove(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
