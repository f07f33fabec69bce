import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { ManualClock } from '../../lib/clock.js';
import { AuthService, LOGIN_LIMITS } from '../../services/auth-service.js';
import { UsersRepo } from '../../store/users-repo.js';
import { createTestStore } from '../../../test/support/stores.js';
import { HttpAuthenticator, SESSION_COOKIE } from '../auth.js';
import { defineRoute, registerRoutes } from '../route.js';
import { authRoutes } from './auth-routes.js';
import { usersRoutes } from './users-routes.js';

const PW = 'a long enough password';

const adminOnlyProbe = defineRoute({
  method: 'POST',
  path: '/api/probe/admin',
  summary: 'probe',
  tag: 'test',
  auth: ['admin'],
  handler: async ({ user }) => ({ ok: true, via: user.via }),
});

describe('auth routes', () => {
  let app: FastifyInstance;
  let auth: AuthService;
  let clock: ManualClock;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestStore('sqlite');
    cleanup = t.cleanup;
    clock = new ManualClock();
    const users = new UsersRepo(t.store.db);
    auth = new AuthService({ users, clock });
    await auth.createUser({ email: 'root@example.com', displayName: 'Root', password: PW, role: 'admin' });
    await auth.createUser({ email: 'agent@example.com', displayName: 'Agent', password: PW, role: 'agent' });

    app = Fastify();
    await app.register(fastifyCookie);
    app.setErrorHandler((err, _req, reply) => {
      if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      return reply.code(status).send({ error: { code: status === 500 ? 'internal' : 'bad_request', message: String(err) } });
    });
    registerRoutes(app, [...authRoutes({ auth, secureCookies: true }), ...usersRoutes({ auth, users }), adminOnlyProbe], new HttpAuthenticator(auth));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });

  function sessionOf(res: LightMyRequestResponse): { cookie: string; csrf: string } {
    const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
    if (!c) throw new Error('no session cookie');
    return { cookie: `${SESSION_COOKIE}=${c.value}`, csrf: res.json().csrfToken as string };
  }

  it('signs in with an HttpOnly SameSite=Strict Secure cookie and returns the user and CSRF token', async () => {
    const res = await login('ROOT@example.com', PW);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^sb_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${12 * 3600}`);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'root@example.com', role: 'admin', canViewSecrets: false, disabled: false });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(body)).not.toContain('scrypt');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 invalid_credentials for a wrong password or unknown email, alike', async () => {
    const wrong = await login('root@example.com', 'not the password', '10.9.0.1');
    const unknown = await login('nobody@example.com', 'not the password', '10.9.0.1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('validates the login body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'root@example.com' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('rate-limits failed sign-ins with 429 and Retry-After, and lifts it as time passes', async () => {
    await auth.createUser({ email: 'target@example.com', displayName: 'T', password: PW, role: 'agent' });
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      expect((await login('target@example.com', 'guess number ' + i, `10.8.0.${i}`)).statusCode).toBe(401);
    }
    const limited = await login('target@example.com', PW, '10.8.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.json().error.message).toMatch(/try again in 15 minutes/);
    expect(limited.headers['retry-after']).toBe(String(15 * 60));
    clock.advance(LOGIN_LIMITS.windowMs);
    expect((await login('target@example.com', PW, '10.8.1.1')).statusCode).toBe(200);
  });

  it('GET /api/me returns the user and, for a session, the CSRF token', async () => {
    const s = sessionOf(await login('agent@example.com', PW));
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: expect.objectContaining({ email: 'agent@example.com', presence: 'offline' }), csrfToken: s.csrf });
    expect((await app.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('refuses a cookie write without the CSRF header (403) and accepts it with', async () => {
    const s = sessionOf(await login('agent@example.com', PW));
    const without = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: s.cookie }, payload: { name: 'ci' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const withIt = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { name: 'ci' },
    });
    expect(withIt.statusCode).toBe(201);
    expect(withIt.json()).toMatchObject({ name: 'ci', token: expect.stringMatching(/^sbt_/) });
  });

  it('works with a bearer token without CSRF; a revoked token is 401', async () => {
    const s = sessionOf(await login('agent@example.com', PW));
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { name: 'integration' },
    });
    const { id, token } = created.json() as { id: string; token: string };
    const bearer = { authorization: `Bearer ${token}` };

    const me = await app.inject({ method: 'GET', url: '/api/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('agent@example.com');
    expect(me.json()).not.toHaveProperty('csrfToken');

    const write = await app.inject({ method: 'POST', url: '/api/tokens', headers: bearer, payload: { name: 'made by token' } });
    expect(write.statusCode).toBe(201);

    const list = await app.inject({ method: 'GET', url: '/api/tokens', headers: bearer });
    expect(list.statusCode).toBe(200);
    const tokens = list.json().tokens as Array<Record<string, unknown>>;
    expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(['integration', 'made by token']));
    expect(JSON.stringify(tokens)).not.toContain(token);
    expect(tokens.find((t) => t.id === id)?.lastUsedAt).toBe(clock.now());

    const del = await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer });
    expect(del.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/me', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it("lets users revoke only their own tokens; admins anyone's", async () => {
    const agent = sessionOf(await login('agent@example.com', PW));
    const root = sessionOf(await login('root@example.com', PW));
    const make = async (s: { cookie: string; csrf: string }, name: string) =>
      (
        await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { name } })
      ).json() as { id: string; userId: string };
    const rootTok = await make(root, 'root-token');
    const agentTok = await make(agent, 'agent-token');

    const denied = await app.inject({ method: 'DELETE', url: `/api/tokens/${rootTok.id}`, headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrf } });
    expect(denied.statusCode).toBe(404);
    const othersList = await app.inject({ method: 'GET', url: `/api/tokens?userId=${rootTok.userId}`, headers: { cookie: agent.cookie } });
    expect(othersList.statusCode).toBe(403);

    const adminList = await app.inject({ method: 'GET', url: `/api/tokens?userId=${agentTok.userId}`, headers: { cookie: root.cookie } });
    expect((adminList.json().tokens as Array<{ id: string }>).map((t) => t.id)).toContain(agentTok.id);
    const byAdmin = await app.inject({ method: 'DELETE', url: `/api/tokens/${agentTok.id}`, headers: { cookie: root.cookie, 'x-csrf-token': root.csrf } });
    expect(byAdmin.statusCode).toBe(204);
  });

  it('logs out: the session ends and the cookie is cleared', async () => {
    const s = sessionOf(await login('agent@example.com', PW));
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^sb_session=;.*Max-Age=0/);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('refuses admin routes to an agent (403) and allows an admin', async () => {
    const agent = sessionOf(await login('agent@example.com', PW));
    const res = await app.inject({ method: 'POST', url: '/api/probe/admin', headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrf } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    const root = sessionOf(await login('root@example.com', PW));
    const ok = await app.inject({ method: 'POST', url: '/api/probe/admin', headers: { cookie: root.cookie, 'x-csrf-token': root.csrf } });
    expect(ok.statusCode).toBe(200);
  });
});
