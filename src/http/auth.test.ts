import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { ManualClock } from '../lib/clock.js';
import { AuthService } from '../services/auth-service.js';
import { UsersRepo } from '../store/users-repo.js';
import { createTestStore } from '../../test/support/stores.js';
import { bearerToken, HttpAuthenticator, safeEqual, SESSION_COOKIE, sessionCookieOptions } from './auth.js';
import { defineRoute, registerRoutes, ROLES } from './route.js';

const PW = 'a long enough password';

describe('sessionCookieOptions', () => {
  it('is HttpOnly, SameSite=Strict, site-wide, and lives as long as the session', () => {
    expect(sessionCookieOptions(true)).toEqual({ httpOnly: true, sameSite: 'strict', path: '/', secure: true, maxAge: 12 * 3600 });
    expect(sessionCookieOptions(false, 60_000)).toEqual({ httpOnly: true, sameSite: 'strict', path: '/', secure: false, maxAge: 60 });
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('HttpAuthenticator', () => {
  let app: FastifyInstance;
  let auth: AuthService;
  let cleanup: () => Promise<void>;
  let cookie: string;
  let csrf: string;
  let token: string;
  const seen: Array<{ header?: string | undefined }> = [];

  beforeAll(async () => {
    const t = await createTestStore('sqlite');
    cleanup = t.cleanup;
    auth = new AuthService({ users: new UsersRepo(t.store.db), clock: new ManualClock() });
    const u = await auth.createUser({ email: 'sam@example.com', displayName: 'Sam', password: PW, role: 'agent' });
    const login = await auth.login('sam@example.com', PW, '127.0.0.1');
    cookie = login.sessionCookie;
    csrf = login.csrfToken;
    token = (await auth.createApiToken(u.id, 'probe')).token;

    app = Fastify();
    await app.register(fastifyCookie);
    app.setErrorHandler((err, _req, reply) => {
      if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
      return reply.code(500).send({ error: { code: 'internal', message: String(err) } });
    });
    const whoami = (method: 'GET' | 'POST' | 'DELETE') =>
      defineRoute({
        method,
        path: '/probe',
        summary: 'probe',
        tag: 'test',
        auth: ROLES,
        handler: async ({ user, req }) => {
          seen.push({ header: bearerToken(req) });
          return { id: user.id, via: user.via, role: user.role };
        },
      });
    registerRoutes(app, [whoami('GET'), whoami('POST'), whoami('DELETE')], new HttpAuthenticator(auth));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const withCookie = (c: string) => ({ cookie: `${SESSION_COOKIE}=${c}` });

  it('accepts a session cookie on reads without a CSRF header', async () => {
    const res = await app.inject({ method: 'GET', url: '/probe', headers: withCookie(cookie) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ via: 'session', role: 'agent' });
  });

  it('requires the matching CSRF header on cookie writes', async () => {
    for (const method of ['POST', 'DELETE'] as const) {
      const none = await app.inject({ method, url: '/probe', headers: withCookie(cookie) });
      expect(none.statusCode).toBe(403);
      expect(none.json().error.code).toBe('csrf_failed');
      const wrong = await app.inject({ method, url: '/probe', headers: { ...withCookie(cookie), 'x-csrf-token': csrf.slice(1) + 'A' } });
      expect(wrong.statusCode).toBe(403);
      const good = await app.inject({ method, url: '/probe', headers: { ...withCookie(cookie), 'x-csrf-token': csrf } });
      expect(good.statusCode).toBe(200);
    }
  });

  it('accepts a bearer token on writes without CSRF', async () => {
    const res = await app.inject({ method: 'POST', url: '/probe', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ via: 'token' });
    expect(seen.at(-1)?.header).toBe(token);
  });

  it('judges a request that sends Authorization by it alone', async () => {
    const bad = await app.inject({ method: 'GET', url: '/probe', headers: { ...withCookie(cookie), authorization: 'Bearer sbt_wrong-token-value-000000' } });
    expect(bad.statusCode).toBe(401);
    const basic = await app.inject({ method: 'GET', url: '/probe', headers: { ...withCookie(cookie), authorization: 'Basic dTpw' } });
    expect(basic.statusCode).toBe(401);
  });

  it('answers 401 without credentials or with an unknown cookie', async () => {
    expect((await app.inject({ method: 'GET', url: '/probe' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/probe', headers: withCookie('A'.repeat(43)) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
    // An unknown cookie is a 401, not a CSRF failure: there is no session to protect.
    expect((await app.inject({ method: 'POST', url: '/probe', headers: withCookie('A'.repeat(43)) })).statusCode).toBe(401);
  });
});
