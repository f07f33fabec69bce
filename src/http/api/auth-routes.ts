/** Sign-in and out, the current user, and personal API tokens. */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { PASSWORD_MAX_LENGTH, type AuthService } from '../../services/auth-service.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../auth.js';
import { defineRoute, ROLES, type AnyRoute } from '../route.js';
import { UserSchema } from './users-routes.js';

const LoginBody = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

const ApiTokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable().describe('Recorded at most once a minute.'),
});

export function authRoutes(deps: { auth: AuthService; secureCookies: boolean }): AnyRoute[] {
  const { auth, secureCookies } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/auth/login',
      summary: 'Sign in with email and password; sets the HttpOnly session cookie',
      tag: 'auth',
      auth: 'public',
      body: LoginBody,
      response: z.object({ user: UserSchema, csrfToken: z.string().describe('Send it as X-CSRF-Token on every write.') }),
      handler: async ({ body, req, reply }) => {
        let result;
        try {
          result = await auth.login(body.email, body.password, req.ip);
        } catch (e) {
          if (e instanceof AppError && e.code === 'rate_limited') {
            const wait = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
            if (typeof wait === 'number') reply.header('retry-after', String(wait));
          }
          throw e;
        }
        reply.setCookie(SESSION_COOKIE, result.sessionCookie, sessionCookieOptions(secureCookies, auth.sessionTtlMs));
        return { user: result.user, csrfToken: result.csrfToken };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/logout',
      summary: 'End the current session and clear its cookie',
      tag: 'auth',
      auth: ROLES,
      successStatus: 204,
      handler: async ({ user, req, reply }) => {
        if (user.via === 'session') {
          const cookie = req.cookies[SESSION_COOKIE];
          if (cookie) await auth.logout(cookie);
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
        }
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/me',
      summary: 'The signed-in user (and, for a browser session, its CSRF token)',
      tag: 'auth',
      auth: ROLES,
      response: z.object({ user: UserSchema, csrfToken: z.string().optional() }),
      handler: async ({ user, req }) => {
        const me = await auth.getUser(user.id);
        if (!me) throw new AppError('unauthenticated', 'Sign in or send an API token');
        if (user.via !== 'session') return { user: me };
        const session = await auth.resolveSession(req.cookies[SESSION_COOKIE]);
        return session ? { user: me, csrfToken: session.csrfToken } : { user: me };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/tokens',
      summary: "Your API tokens (admins: anyone's, with ?userId=)",
      tag: 'auth',
      auth: ROLES,
      query: z.object({ userId: z.string().min(1).max(100).optional() }),
      response: z.object({ tokens: z.array(ApiTokenSchema) }),
      handler: async ({ user, query }) => {
        const owner = query.userId ?? user.id;
        if (owner !== user.id && user.role !== 'admin') throw new AppError('forbidden', "Only admins may list other users' tokens");
        return { tokens: await auth.listApiTokens(owner) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/tokens',
      summary: 'Create an API token; the token is shown in this answer only',
      tag: 'auth',
      auth: ROLES,
      body: z.object({ name: z.string().trim().min(1).max(100) }),
      response: ApiTokenSchema.extend({ token: z.string().describe('Send as Authorization: Bearer <token>. Shown once.') }),
      successStatus: 201,
      handler: async ({ user, body }) => auth.createApiToken(user.id, body.name),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/tokens/:id',
      summary: 'Revoke an API token (your own; admins any)',
      tag: 'auth',
      auth: ROLES,
      params: z.object({ id: z.string().min(1).max(100) }),
      successStatus: 204,
      handler: async ({ user, params }) => {
        await auth.revokeApiToken(params.id, user);
        return undefined;
      },
    }),
  ];
}
