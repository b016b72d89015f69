import { z } from 'zod';
import { LoginLimiter } from '../../auth/login-limiter.ts';
import { hashPassword, Password, verifyPassword } from '../../auth/passwords.ts';
import { clientIp } from '../../auth/request-info.ts';
import { endSession, startSession } from '../../auth/sessions.ts';
import { Email, PersonName, RoleName, toUser, User } from '../account-schemas.ts';
import { audit } from '../audit.ts';
import { ApiError, errorResponse } from '../errors.ts';
import { publicUrlOf } from '../public-url.ts';
import { type ApiDeps, defineRoute } from '../route.ts';

const SignedIn = z.object({ user: User }).meta({ id: 'SignedIn' });

/** One message for every failed sign-in: it must not tell whether the email exists. */
const WRONG_CREDENTIALS = 'the email or password is wrong';

/** The limiter `createApp` made; a deps object built by hand gets a fresh one of its own. */
const fallbackLimiters = new WeakMap<ApiDeps, LoginLimiter>();
function limiterOf(deps: ApiDeps): LoginLimiter {
  if (deps.loginLimiter) return deps.loginLimiter;
  const limiter = fallbackLimiters.get(deps) ?? new LoginLimiter(deps.repos);
  fallbackLimiters.set(deps, limiter);
  return limiter;
}

export const authRoutes = [
  defineRoute({
    method: 'get',
    path: '/auth/state',
    operationId: 'authState',
    summary: 'Whether Stepwise still needs its first admin (the web app then shows the setup page)',
    tag: 'Auth',
    access: 'public',
    responses: { 200: { description: 'State', schema: z.object({ setupRequired: z.boolean() }) } },
    async handler({ deps, c }) {
      return c.json({ setupRequired: (await deps.repos.users.count()) === 0 });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/auth/setup',
    operationId: 'setup',
    summary: 'Create the first admin and sign them in; only while there is no user at all',
    tag: 'Auth',
    access: 'public',
    body: z.strictObject({ email: Email, name: PersonName, password: Password }),
    responses: {
      201: { description: 'The admin, signed in (session cookie set)', schema: SignedIn },
      409: { description: 'Stepwise is already set up' },
    },
    async handler(request) {
      const { body, deps, c } = request;
      const alreadySetUp = () => new ApiError(409, 'already_set_up', 'Stepwise is already set up: sign in instead');
      if ((await deps.repos.users.count()) > 0) throw alreadySetUp();
      const passwordHash = await hashPassword(body.password);
      const user = await deps.repos.users.insertFirst({
        email: body.email,
        name: body.name,
        role: 'admin',
        passwordHash,
      });
      if (!user) throw alreadySetUp();
      await startSession(c, deps, user.id);
      await audit(request, { action: 'setup', objectType: 'user', objectId: user.id }, user);
      return c.json({ user: toUser(user) }, 201);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Sign in with email and password (sets the session cookie)',
    tag: 'Auth',
    access: 'public',
    body: z.strictObject({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().max(1024) }),
    responses: {
      200: { description: 'Signed in (session cookie set)', schema: SignedIn },
      401: { description: 'Wrong email or password (the same answer for an unknown email)' },
      429: { description: 'Too many failed attempts for this account from this address; see Retry-After' },
    },
    async handler(request) {
      const { body, deps, c } = request;
      const limiter = limiterOf(deps);
      const ip = clientIp(c) ?? 'unknown';
      const waitMs = await limiter.retryAfterMs(body.email, ip);
      if (waitMs > 0) {
        c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
        return errorResponse(c, new ApiError(429, 'too_many_attempts', 'too many failed sign-ins; try again later'));
      }
      const user = await deps.repos.users.getForLogin(body.email);
      // Verified even for an unknown email (against a dummy hash), so the answer takes as long.
      const matches = await verifyPassword(user?.passwordHash, body.password);
      if (!user || !matches || !user.active) {
        await limiter.failed(body.email, ip);
        await audit(request, {
          action: 'login.failed',
          objectType: 'user',
          objectId: null,
          details: { email: body.email },
        });
        throw new ApiError(401, 'invalid_credentials', WRONG_CREDENTIALS);
      }
      await limiter.succeeded(body.email, ip);
      await startSession(c, deps, user.id);
      await audit(request, { action: 'login.succeeded', objectType: 'user', objectId: user.id }, user);
      return c.json({ user: toUser(user) });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: 'Sign out: the session is revoked on the server and the cookie cleared',
    tag: 'Auth',
    access: 'public',
    responses: { 204: { description: 'Signed out (also when nobody was signed in)' } },
    async handler(request) {
      const { deps, c, caller } = request;
      if (caller?.via.kind === 'session') {
        await audit(request, { action: 'logout', objectType: 'user', objectId: caller.user.id });
      }
      await endSession(c, deps);
      return c.body(null, 204);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/auth/me',
    operationId: 'me',
    summary: 'The signed-in user and how they signed in (401 when nobody is)',
    tag: 'Auth',
    access: 'view',
    responses: {
      200: {
        description: 'The caller',
        schema: z.object({
          user: User,
          authenticatedWith: z.enum(['session', 'api_key']),
          keyRole: RoleName.nullable().describe('For an API key: its role (it never exceeds the user’s)'),
          publicUrl: z
            .string()
            .describe(
              'The address users and webhook senders reach Stepwise at (PUBLIC_URL, else this request’s scheme and host), without a trailing slash: webhook URLs are built on it',
            ),
        }),
      },
    },
    async handler({ caller, c, deps }) {
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      return c.json({
        user: toUser(caller.user),
        authenticatedWith: caller.via.kind,
        keyRole: caller.via.kind === 'api_key' ? caller.via.role : null,
        publicUrl: publicUrlOf(c, deps.config),
      });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/auth/password',
    operationId: 'changePassword',
    summary: 'Change your own password (needs the current one); signs out your other sessions',
    tag: 'Auth',
    access: 'view',
    body: z.strictObject({ currentPassword: z.string().max(1024), newPassword: Password }),
    responses: {
      204: { description: 'Changed' },
      400: { description: 'The current password is wrong' },
    },
    async handler(request) {
      const { body, deps, c, caller } = request;
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const current = await deps.repos.users.getPasswordHash(caller.user.id);
      if (!(await verifyPassword(current, body.currentPassword))) {
        throw new ApiError(400, 'wrong_password', 'the current password is wrong');
      }
      const passwordHash = await hashPassword(body.newPassword);
      // The new password and the end of the other sessions land together.
      await deps.repos.transaction(async (tx) => {
        await tx.users.setPasswordHash(caller.user.id, passwordHash);
        await tx.sessions.revokeForUser(
          caller.user.id,
          caller.via.kind === 'session' ? caller.via.tokenHash : undefined,
        );
      });
      await audit(request, { action: 'user.password_changed', objectType: 'user', objectId: caller.user.id });
      return c.body(null, 204);
    },
  }),
];
